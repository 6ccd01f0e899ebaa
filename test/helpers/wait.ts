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
