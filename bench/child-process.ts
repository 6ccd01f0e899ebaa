import { fork, type ChildProcess } from "node:child_process";

/** A message between the bench and one of its child processes; `id` pairs a request with its answer. */
export interface ChildMessage {
  type: string;
  id?: number;
  [key: string]: unknown;
}

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
 * Starts `script` (TypeScript, through tsx) as a separate Node process with an IPC channel and
 * waits for its `{type: "ready"}` message. A child that exits first rejects with its exit code.
 */
export function startChild<Ready>(
  script: string,
  options: { env?: Record<string, string>; args?: string[]; nodeArgs?: string[] } = {},
): Promise<RunningChild<Ready>> {
  const child: ChildProcess = fork(script, options.args ?? [], {
    execArgv: ["--import", "tsx", ...(options.nodeArgs ?? [])],
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

/** In a child: answers the bench's requests with `handle` and announces readiness. */
export function serveParent(
  ready: Record<string, unknown>,
  handle: (message: ChildMessage) => Promise<Record<string, unknown>>,
): void {
  process.on("message", (message: ChildMessage) => {
    void handle(message).then(
      (answer) => process.send?.({ ...answer, type: message.type, id: message.id }),
      (error: unknown) =>
        process.send?.({ type: "error", id: message.id, message: (error as Error).message }),
    );
  });
  // The bench going away (Ctrl-C, a crash) must not leave servers behind.
  process.on("disconnect", () => process.exit(0));
  process.send?.({ ...ready, type: "ready" });
}

/** What a child reports about itself: its peak and current memory and the CPU it has used. */
export function processUsage() {
  const usage = process.resourceUsage();
  return {
    max_rss_bytes: usage.maxRSS * 1024,
    rss_bytes: process.memoryUsage.rss(),
    cpu_ms: (usage.userCPUTime + usage.systemCPUTime) / 1000,
  };
}

export type ProcessUsage = ReturnType<typeof processUsage>;
