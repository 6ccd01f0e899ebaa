// The child side of the bench's IPC (see child-process.ts), in plain JavaScript so that a child
// run by plain `node` (the compiled connector, bench/processes/compiled-connector.mjs) uses it
// without tsx. Types: child-ipc.d.mts.
import { readFileSync } from "node:fs";

/** In a child: answers the bench's requests with `handle` and announces readiness. */
export function serveParent(ready, handle) {
  process.on("message", (message) => {
    void handle(message).then(
      (answer) => process.send?.({ ...answer, type: message.type, id: message.id }),
      (error) => process.send?.({ type: "error", id: message.id, message: error.message }),
    );
  });
  // The bench going away (Ctrl-C, a crash) must not leave servers behind.
  process.on("disconnect", () => process.exit(0));
  // V8 writes a --cpu-prof profile only on a normal exit; a baseline has no SIGTERM handler of its
  // own, and the bench stops children with SIGTERM.
  if (process.execArgv.includes("--cpu-prof") && process.listenerCount("SIGTERM") === 0)
    process.on("SIGTERM", () => process.exit(0));
  process.send?.({ ...ready, type: "ready" });
}

/**
 * CPU (ms, user + system) of the process's main thread alone, from Linux's
 * /proc/self/task/<pid>/stat (fields 14 and 15, in clock ticks of 10 ms: `getconf CLK_TCK` is
 * 100 on Linux); null where there is no /proc. The rest of a process's CPU is its other threads:
 * V8's garbage-collection helpers and compiler, and libuv's pool (issue 18). Node 20 has no
 * `process.threadCpuUsage`.
 */
function mainThreadCpuMs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces; the fields after it are counted from its ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * What a child reports about itself: its peak and current memory (bytes), the CPU (ms) its
 * threads used, and how much of that its main thread used (null without /proc).
 */
export function processUsage() {
  const usage = process.resourceUsage();
  return {
    max_rss_bytes: usage.maxRSS * 1024,
    rss_bytes: process.memoryUsage.rss(),
    cpu_ms: (usage.userCPUTime + usage.systemCPUTime) / 1000,
    main_thread_cpu_ms: mainThreadCpuMs(),
  };
}
