export type StatusLevel = "ok" | "warning" | "error" | "setupRequired";

export interface StatusFacts {
  connected: boolean;
  /** undefined when not checked (not connected). */
  intercom?: "ok" | "token-revoked" | "unreachable";
  synchronizedSegments: number;
  sendEvents: number;
  /** Synchronized segments whose Intercom tag has disappeared. */
  missingTags: { segment: string; tagId: string }[];
}

const SEVERITY: Record<StatusLevel, number> = { ok: 0, warning: 1, setupRequired: 2, error: 3 };

/** The connector's status for Hull; a later, milder finding never hides a worse one. */
export function computeStatus(facts: StatusFacts): { status: StatusLevel; messages: string[] } {
  const findings: { level: StatusLevel; message: string }[] = [];
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
