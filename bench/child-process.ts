import { fork, type ChildProcess } from "node:child_process";

import type { ChildMessage } from "./child-ipc.mjs";

export type { ChildMessage };

export interface RunningChild<Ready> {
  pid: number;
  /** What the child sent with its `ready` message. */
  ready: Ready;
  /** Sends a request and resolves with the child's answer (same `id`). */
  ask<T = ChildMessage>(message: ChildMessage): Promise<T>;
  /** SIGTERM, then SIGKILL if the child is still there after a few seconds. */
  stop(): Promise<void>;
}

/**
 * Starts `script` as a separate Node process with an IPC channel and waits for its
 * `{type: "ready"}` message: a `.ts` script through tsx, a `.mjs` one under plain node. A child that
 * exits first rejects with its exit code.
 */
export function startChild<Ready>(
  script: string,
  options: { env?: Record<string, string>; args?: string[]; nodeArgs?: string[] } = {},
): Promise<RunningChild<Ready>> {
  const child: ChildProcess = fork(script, options.args ?? [], {
    execArgv: [...(script.endsWith(".ts") ? ["--import", "tsx"] : []), ...(options.nodeArgs ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<number, (message: ChildMessage) => void>();
  let nextId = 1;
  let exited = false;
  child.on("message", (message: ChildMessage) => {
    if (message.id !== undefined) {
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    }
  });
  const gone = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    child.once("exit", (code, signal) =>
      reject(new Error(`${script} exited before it was ready (${code ?? signal})`)),
    );
    child.on("message", (message: ChildMessage) => {
      if (message.type !== "ready") return;
      resolve({
        pid: child.pid!,
        ready: message as Ready,
        ask<T>(request: ChildMessage) {
          if (exited) return Promise.reject(new Error(`${script} is not running`));
          const id = nextId++;
          return new Promise<T>((answer) => {
            waiting.set(id, answer as (message: ChildMessage) => void);
            child.send({ ...request, id });
          });
        },
        async stop() {
          if (exited) return;
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
          await gone;
          clearTimeout(timer);
        },
      });
    });
  });
}

// The child side (serveParent, processUsage) is plain JavaScript, shared with children that plain
// node runs (the compiled connector).
export { processUsage, serveParent, type ProcessUsage } from "./child-ipc.mjs";
