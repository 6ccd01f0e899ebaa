import { waitUntil } from "../../helpers/wait";

/**
 * Polls `check` until it returns true (outside a test, where expect.poll is not available), every
 * `delayMs` (ms), under the shared ceiling of test/helpers/wait.ts; throws naming `what`.
 */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  { delayMs = 25 } = {},
): Promise<void> {
  await waitUntil(check, { what, intervalMs: delayMs });
}
