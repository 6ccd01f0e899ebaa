/**
 * Opaque pagination cursors. Intercom's look like base64 of a JSON array ("WzE…", intercom-api.md
 * §1.1), so ours are too: [position, page, kind].
 */
export interface CursorState {
  /** List/search order position to continue after. */
  after: number;
  /** Page number of the page this cursor opens. */
  page: number;
}

export function encodeCursor(state: CursorState, kind: string): string {
  return Buffer.from(JSON.stringify([state.after, state.page, kind])).toString("base64");
}

/** Returns undefined for anything that is not a cursor we issued for this kind of walk. */
export function decodeCursor(cursor: string, kind: string): CursorState | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64").toString("utf8"));
    if (!Array.isArray(parsed) || parsed.length !== 3) return undefined;
    const [after, page, cursorKind] = parsed as unknown[];
    if (typeof after !== "number" || !Number.isInteger(after) || after < -1) return undefined;
    if (typeof page !== "number" || !Number.isInteger(page) || page < 1) return undefined;
    if (cursorKind !== kind) return undefined;
    return { after, page };
  } catch {
    return undefined;
  }
}
