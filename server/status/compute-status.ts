export type StatusLevel = "ok" | "warning" | "error" | "setupRequired";

export interface StatusFacts {
  connected: boolean;
  /** undefined when not checked (not connected). */
  intercom?: "ok" | "token-revoked" | "unreachable";
  synchronizedSegments: number;
  sendEvents: number;
  /** Synchronized segments whose Intercom tag has disappeared. */
  missingTags: { segment: string; tagId: string }[];
  /**
   * The scale-out mode's store (REDIS_URL): "unreachable" when Redis did not answer a PING within
   * the command timeout (docs/adr/033); undefined in the embedded mode (files, nothing to check).
   */
  redis?: "ok" | "unreachable";
}

/**
 * What an admin reads in Hull while Redis is away (docs/adr/033). Says what stops, what Intercom
 * and Hull do about it and what may be missing afterwards; names no host, URL or credentials.
 */
export const REDIS_UNREACHABLE_MESSAGE =
  "The connector cannot reach its data store (Redis), so it is refusing Intercom's webhooks and " +
  "Hull's user updates, and sends no users to Intercom. Nothing it already accepted is lost, and " +
  "Hull sends its updates again later. Intercom sends each refused webhook once " +
  "more, a minute later: if this lasts longer, conversation and tag events from that time will be " +
  "missing (contact details are caught up by the next fetch). Whoever runs the connector must " +
  "bring its Redis back; this message clears itself at the next check after Redis answers again.";

const SEVERITY: Record<StatusLevel, number> = { ok: 0, warning: 1, setupRequired: 2, error: 3 };

/**
 * The connector's status for Hull (`{status, messages}`, hull-platform.md §2.6), from `facts`
 * only: pure, no I/O. The status is the worst finding's level; messages come in a fixed order
 * (the store first: it stops everything else); a later, milder finding never hides a worse one.
 * Never throws.
 */
export function computeStatus(facts: StatusFacts): { status: StatusLevel; messages: string[] } {
  const findings: { level: StatusLevel; message: string }[] = [];
  if (facts.redis === "unreachable") {
    findings.push({ level: "error", message: REDIS_UNREACHABLE_MESSAGE });
  }
  if (!facts.connected) {
    findings.push({
      level: "setupRequired",
      message:
        'Intercom is not connected yet: open the dashboard and click "Continue with Intercom".',
    });
  }
  if (facts.intercom === "token-revoked") {
    findings.push({
      level: "error",
      message:
        "Intercom refused the access token (the app was uninstalled or access revoked). Reconnect Intercom from the dashboard.",
    });
  }
  if (facts.intercom === "unreachable") {
    findings.push({
      level: "error",
      message: "Intercom could not be reached; syncs are paused and will resume on their own.",
    });
  }
  if (facts.synchronizedSegments === 0) {
    findings.push({
      level: "warning",
      message:
        "No segments are synchronized, so no users are sent to Intercom. Pick segments in Settings.",
    });
  }
  if (facts.sendEvents === 0) {
    findings.push({
      level: "warning",
      message: "No events are selected, so no events are sent to Intercom.",
    });
  }
  for (const { segment, tagId } of facts.missingTags) {
    findings.push({
      level: "error",
      message: `The Intercom tag ${tagId} for segment "${segment}" no longer exists; it will be created again on the next sync.`,
    });
  }
  const status = findings.reduce<StatusLevel>(
    (worst, { level }) => (SEVERITY[level] > SEVERITY[worst] ? level : worst),
    "ok",
  );
  return { status, messages: findings.map(({ message }) => message) };
}
