// One way for tests to wait: poll a condition until it holds, under a ceiling generous enough for a
// loaded 2-core machine (seven suites at once). The ceiling only bounds a hang; a test never asserts
// that something happened within a time.

/** How long a wait on a condition may take before the test gives up (ms). */
export const WAIT_CEILING_MS = 60_000;

/**
 * A test's or hook's own limit where it waits on several conditions or on a heavy stack (ms):
 * a few ceilings, so the waits inside it give up first and say what they waited for.
 */
export const HEAVY_TEST_MS = 4 * WAIT_CEILING_MS;

/**
 * Polls `check` until it returns a value other than `undefined` or `false` (a throw counts as
 * "not yet") and resolves with that value. Waits `intervalMs` (ms) between checks.
 * After `timeoutMs` (ms) it throws the check's last error, or one naming `what`.
 */
export async function waitUntil<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  {
    what = "a condition",
    timeoutMs = WAIT_CEILING_MS,
    intervalMs = 50,
  }: { what?: string; timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      // The last failed assertion says more than "gave up" (its diff), so it is what we throw.
      if (lastError instanceof Error) throw lastError;
      throw new Error(`Gave up after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * For heavy work (thousands of records) whose total time depends on the machine's load: polls
 * `read` until `done` accepts its value, and gives up only when the value has not changed for
 * `stallMs` (ms), so slow progress passes and a stall fails. Resolves with the accepted value.
 * Throws naming `what` and the last value.
 */
export async function waitWhileProgressing<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  {
    what = "the work to finish",
    stallMs = WAIT_CEILING_MS,
    intervalMs = 250,
  }: { what?: string; stallMs?: number; intervalMs?: number } = {},
): Promise<T> {
  let last = "";
  let changedAt = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    const seen = JSON.stringify(value);
    if (seen !== last) {
      last = seen;
      changedAt = Date.now();
    } else if (Date.now() - changedAt > stallMs) {
      throw new Error(`No progress for ${stallMs} ms waiting for ${what}; last: ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
