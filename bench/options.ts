// The bench's `--name=value` options, read the same way by the runner and the scenarios.

/** The value of `--name=value` in `args`, or undefined when the option is absent. */
export function option(args: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return args.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

/**
 * The positive number given as `--name=N`, or undefined when the option is absent.
 * Throws on anything else, so that a typo does not silently run the default size.
 */
export function positiveOption(args: readonly string[], name: string): number | undefined {
  const raw = option(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return value;
}
