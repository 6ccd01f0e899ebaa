import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { HullSandbox } from "../../sandbox/hull/index";
import type { IntercomSandbox } from "../../sandbox/intercom/index";

export interface ConnectorProcess {
  url: string;
  pid: number;
  /** As a crash would: no shutdown, no flush. */
  kill(): Promise<void>;
}

/**
 * The environment that points a connector process at the two stand-ins: the Intercom app's
 * credentials and URLs, Hull's firehose and organization, and loopback allowed (ADR 011).
 */
export function standInEnv(intercom: IntercomSandbox, hull: HullSandbox): Record<string, string> {
  return {
    INTERCOM_CLIENT_ID: intercom.clientId,
    INTERCOM_CLIENT_SECRET: intercom.clientSecret,
    INTERCOM_API_URL: intercom.url,
    INTERCOM_OAUTH_URL: `${intercom.url}/oauth`,
    HULL_FIREHOSE_URL: `${hull.url}/firehose`,
    HULL_ALLOWED_HOSTS: hull.organization,
    OUTBOUND_ALLOW_LOOPBACK: "true",
  };
}

/**
 * The production entry point (`server/main.ts`) as a separate process, configured by `env`. Its
 * stand-ins listen on loopback, which the SSRF-safe fetch refuses unless told (ADR 011).
 */
export function startConnectorProcess(env: Record<string, string>): Promise<ConnectorProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    env: { ...process.env, PORT: "0", LOG_LEVEL: "info", OUTBOUND_ALLOW_LOOPBACK: "true", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`connector process exited early (${code})`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      let entry: { msg?: string; publicUrl?: string };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        return;
      }
      if (entry.msg === "connector listening" && entry.publicUrl) {
        resolve({
          url: entry.publicUrl,
          pid: child.pid!,
          async kill() {
            child.kill("SIGKILL");
            await exited;
          },
        });
      }
    });
  });
}
