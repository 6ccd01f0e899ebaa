/** A hand-driven clock for schedule(task, ms): tests run due tasks with advance(ms). */
export function fakeSchedule() {
  let now = 0;
  let tasks: { at: number; task: () => void }[] = [];
  const schedule = (task: () => void, ms: number) => {
    const entry = { at: now + ms, task };
    tasks.push(entry);
    return () => {
      tasks = tasks.filter((other) => other !== entry);
    };
  };
  const advance = async (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = tasks.filter((entry) => entry.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      tasks = tasks.filter((entry) => entry !== due);
      now = due.at;
      due.task();
      await new Promise((resolve) => setImmediate(resolve));
    }
    now = until;
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { schedule, advance, pending: () => tasks.length };
}
