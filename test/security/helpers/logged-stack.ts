// The stack of scripts/stack.ts with the connector's pino logger writing into memory, so a test can
// search every log line for secrets.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { startStack, type Stack } from "../../../scripts/stack";

export type LoggedStack = Stack & {
  /** Every line the connector logged so far, as written (JSON). */
  logLines(): string[];
};

/** Collects pino's output line by line. */
function lineCollector(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  let pending = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString("utf8");
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      lines.push(...parts.filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

export async function startLoggedStack(
  options: { level?: string; env?: Record<string, string> } = {},
): Promise<LoggedStack> {
  const { stream, lines } = lineCollector();
  const stack = await startStack({
    notifyDelayMs: 50,
    webhookRetryDelayMs: 50,
    env: { ...options.env, LOG_LEVEL: options.level ?? "trace" },
    dataDir: mkdtempSync(join(tmpdir(), "hull-intercom-security-")),
    logDestination: stream,
  });
  return Object.assign(stack, { logLines: () => [...lines] });
}
