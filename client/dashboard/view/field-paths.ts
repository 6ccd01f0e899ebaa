import type { FieldError } from "../types";

/**
 * One spelling for field paths, whatever the server uses: `a.b[0].c`, `/a/b/0/c` and `a.b.0.c`
 * all become `a.b.0.c`, so messages land next to the field they name.
 */
export function normalisePath(path: string): string {
  return path
    .split(/[./[\]]+/)
    .filter((part) => part !== "")
    .join(".");
}

/** Splits errors into those a visible field claims and the rest (shown at the top of the form). */
export function assignErrors(errors: FieldError[], knownPaths: Iterable<string>) {
  const known = new Set(knownPaths);
  const byPath = new Map<string, string[]>();
  const unclaimed: FieldError[] = [];
  for (const error of errors) {
    const path = claimingPath(normalisePath(error.path), known);
    if (path === undefined) {
      unclaimed.push(error);
      continue;
    }
    byPath.set(path, [...(byPath.get(path) ?? []), error.message]);
  }
  return { byPath, unclaimed };
}

// A message about `rows.2.name.extra` belongs to the nearest field that shows `rows.2.name`.
function claimingPath(path: string, known: Set<string>): string | undefined {
  const parts = path.split(".");
  for (let length = parts.length; length > 0; length -= 1) {
    const candidate = parts.slice(0, length).join(".");
    if (known.has(candidate)) return candidate;
  }
  return undefined;
}
