import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

export interface ConnectorProcess {
  url: string;
  pid: number;
  /** As a crash would: no shutdown, no flush. */
  kill(): Promise<void>;
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
