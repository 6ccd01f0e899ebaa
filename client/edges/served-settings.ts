/**
 * Fetches the Messenger settings the connector serves for this deployment (docs/adr/007), or
 * undefined when it cannot (offline, not connected, an older connector): the caller then boots
 * from the deployment's public settings alone. Never throws.
 */
export async function fetchServedSettings(url: string): Promise<unknown> {
  try {
    const response = await fetch(url, {
      credentials: "omit",
      headers: { accept: "application/json" },
    });
    return response.ok ? await response.json() : undefined;
  } catch {
    return undefined;
  }
}
