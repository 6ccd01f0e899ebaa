/** What each connector did recently, for the dashboard: counters and the last errors. */
export interface ActivitySnapshot {
  counters: Record<string, number>;
  recent_errors: { at: string; message: string }[];
  /** What went out of the ordinary and is now done (e.g. users that waited for Intercom's budget). */
  recent_activity: { at: string; message: string }[];
}

export interface ActivityLog {
  count(connectorId: string, name: string, by?: number): void;
  error(connectorId: string, message: string): void;
  note(connectorId: string, message: string): void;
  snapshot(connectorId: string): ActivitySnapshot;
}

export function createActivityLog(keepErrors = 20, now = () => new Date()): ActivityLog {
  const byConnector = new Map<string, ActivitySnapshot>();
  const entry = (connectorId: string) => {
    let found = byConnector.get(connectorId);
    if (!found) {
      // Counter names are keys: no prototype, so "constructor" counts like any other name.
      found = {
        counters: Object.create(null) as Record<string, number>,
        recent_errors: [],
        recent_activity: [],
      };
      byConnector.set(connectorId, found);
    }
    return found;
  };
  return {
    count(connectorId, name, by = 1) {
      const { counters } = entry(connectorId);
      counters[name] = (counters[name] ?? 0) + by;
    },
    error(connectorId, message) {
      const { recent_errors } = entry(connectorId);
      recent_errors.unshift({ at: now().toISOString(), message });
      recent_errors.length = Math.min(recent_errors.length, keepErrors);
    },
    note(connectorId, message) {
      const { recent_activity } = entry(connectorId);
      recent_activity.unshift({ at: now().toISOString(), message });
      recent_activity.length = Math.min(recent_activity.length, keepErrors);
    },
    snapshot(connectorId) {
      const found = entry(connectorId);
      return {
        counters: { ...found.counters },
        recent_errors: [...found.recent_errors],
        recent_activity: [...found.recent_activity],
      };
    },
  };
}
