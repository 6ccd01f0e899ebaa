import { startStack, type Stack, type StackOptions } from "../../scripts/stack";

export type { Stack };

/** The connector and both stand-ins on free ports, quiet, with short waits. */
export function startTestStack(options: StackOptions = {}): Promise<Stack> {
  return startStack({
    notifyDelayMs: 50,
    webhookRetryDelayMs: 50,
    ...options,
    env: { LOG_LEVEL: "silent", ...options.env },
  });
}

/** The connector object as Hull holds it (private settings included). */
export async function hullConnector(
  stack: Stack,
): Promise<{ settings: Record<string, unknown>; private_settings: Record<string, unknown> }> {
  const { id, organization, secret } = stack.hull.connector;
  const response = await fetch(`${stack.urls.hull}/api/v1/${id}`, {
    headers: { "Hull-App-Id": id, "Hull-Access-Token": secret, "Hull-Organization": organization },
  });
  if (!response.ok) throw new Error(`Hull answered ${response.status}`);
  return (await response.json()) as {
    settings: Record<string, unknown>;
    private_settings: Record<string, unknown>;
  };
}
