/** Polls `check` until it returns true (outside a test, where expect.poll is not available). */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  { attempts = 200, delayMs = 25 } = {},
): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  throw new Error(`Gave up waiting for ${what}`);
}
