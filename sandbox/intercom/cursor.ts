/**
 * Opaque pagination cursors. Intercom's look like base64 of a JSON array ("WzE…" is "[1…",
 * intercom-api.md §1.1), the shape of a search-after cursor that carries the last sort value; ours
 * are too: [position, page, kind] and, for sorted searches, the last record's sort value, so a walk
 * continues after that value even when records move meanwhile.
 */
export interface CursorState {
  /** List/search order position (a contact's seq) to continue after. */
  after: number;
  /** Page number of the page this cursor opens. */
  page: number;
  /** Sorted searches: the sort value of the record at `after`. */
  key?: string | number | null;
}

export function encodeCursor(state: CursorState, kind: string): string {
  const parts: unknown[] = [state.after, state.page, kind];
  if (state.key !== undefined) parts.push(state.key);
  return Buffer.from(JSON.stringify(parts)).toString("base64");
}

/** Returns undefined for anything that is not a cursor we issued for this kind of walk. */
export function decodeCursor(cursor: string, kind: string): CursorState | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64").toString("utf8"));
    if (!Array.isArray(parsed) || (parsed.length !== 3 && parsed.length !== 4)) return undefined;
    const [after, page, cursorKind, key] = parsed as unknown[];
    if (typeof after !== "number" || !Number.isInteger(after) || after < -1) return undefined;
    if (typeof page !== "number" || !Number.isInteger(page) || page < 1) return undefined;
    if (cursorKind !== kind) return undefined;
    if (parsed.length === 3) return { after, page };
    if (key !== null && typeof key !== "string" && typeof key !== "number") return undefined;
    return { after, page, key };
  } catch {
    return undefined;
  }
}
