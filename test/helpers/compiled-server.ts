// Runs node scripts and the compiled server (dist/server.mjs) as separate processes, as a person
// or a container runtime would.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

export const ROOT = resolve(import.meta.dirname, "..", "..");
export const BUNDLE = join(ROOT, "dist", "server.mjs");

/** Runs `node <args>` to its end; resolves with its exit code and what it printed (stdout + stderr). */
export function run(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", fail);
    child.once("close", (code) => done({ code, output }));
  });
}

/**
 * Starts the compiled connector with plain `node` from a folder outside the checkout (so nothing
 * leans on the working directory) and resolves once it logs the URL it listens on.
 */
export function startBundle(): Promise<{
  url: string;
  child: ChildProcess;
  exit: Promise<number | null>;
}> {
  const child = spawn(process.execPath, ["--enable-source-maps", BUNDLE], {
    cwd: mkdtempSync(join(tmpdir(), "bundle-cwd-")),
    env: {
      PATH: process.env.PATH,
      PORT: "0",
      LOG_LEVEL: "info",
      SECRET: "bundle-test-secret-0123456789",
      INTERCOM_CLIENT_ID: "bundle-test-client",
      INTERCOM_CLIENT_SECRET: "bundle-test-client-secret",
      DATA_DIR: mkdtempSync(join(tmpdir(), "bundle-data-")),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let errors = "";
  child.stderr!.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const exit = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return new Promise((done, fail) => {
    void exit.then((code) =>
      fail(new Error(`the bundle exited (${code}) before listening: ${errors}`)),
    );
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const entry = JSON.parse(line) as { msg?: string; publicUrl?: string };
      if (entry.msg === "connector listening" && entry.publicUrl)
        done({ url: entry.publicUrl, child, exit });
    });
  });
}
