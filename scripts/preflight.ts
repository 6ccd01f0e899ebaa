// Checks `npm start` makes before anything slow (the build, the stand-ins): ports and the
// sandbox's folder. Each failure is a sentence naming the variable or flag to change.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

/** A problem found before starting: `npm start` prints it as is and exits with 2, nothing started. */
export class StartRefused extends Error {}

/**
 * Why `port` cannot be listened on at `host`, or undefined when it can (0 always can). Listens
 * and closes at once: what the real start would meet a moment later.
 */
function portProblem(host: string, port: number): Promise<string | undefined> {
  if (port === 0) return Promise.resolve(undefined);
  return new Promise((done) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      done(
        error.code === "EADDRINUSE"
          ? "is already in use"
          : error.code === "EACCES"
            ? "needs privileges this user lacks (ports below 1024)"
            : `cannot be listened on (${error.code ?? error.message})`,
      ),
    );
    server.listen(port, host, () => server.close(() => done(undefined)));
  });
}

/**
 * Problems with the ports `npm start` is about to listen on, keyed by the variable that sets each
 * (`{ PORT: 8080, HULL_SANDBOX_PORT: 8081 }`): two variables with one port, or a port another
 * program holds. Resolves with one line per problem, empty when all are free.
 */
export async function portProblems(host: string, ports: Record<string, number>): Promise<string[]> {
  const problems: string[] = [];
  const byPort = new Map<number, string[]>();
  for (const [name, port] of Object.entries(ports)) {
    if (port !== 0) byPort.set(port, [...(byPort.get(port) ?? []), name]);
  }
  for (const [port, names] of byPort) {
    if (names.length > 1)
      problems.push(`${names.join(" and ")} are all ${port}: give each its own port.`);
  }
  for (const [name, port] of Object.entries(ports)) {
    const problem = await portProblem(host, port);
    if (problem)
      problems.push(
        `Port ${port} on ${host} ${problem}: stop what listens there, or set ${name} to another port (${name}=${port + 10} npm start).`,
      );
  }
  return problems;
}

/** The file that marks a folder as the sandbox's own, so that `npm start` may empty it. */
const MARKER = ".hull-intercom-sandbox";

/**
 * Readies the folder the sandbox's connector keeps its files in (registry, jobs, outbox, dead
 * letters). `keep: false` empties it (the stand-ins keep everything in memory, so a fresh
 * connector matches them); `keep: true` leaves the last run's files. A folder that is not the
 * default and was not made by `npm start` (no marker file) is never emptied: throws StartRefused.
 * Returns how many entries were kept (0 when fresh).
 */
export function prepareSandboxData(
  dir: string,
  { keep, isDefault }: { keep: boolean; isDefault: boolean },
): { kept: number } {
  const path = resolve(dir);
  const entries = existsSync(path) ? readdirSync(path).filter((name) => name !== MARKER) : [];
  const ours = isDefault || existsSync(join(path, MARKER));
  if (entries.length > 0 && !ours && !keep)
    throw new StartRefused(
      `SANDBOX_DATA_DIR=${dir} holds files "npm start" did not create, so it will not empty it.\n` +
        `  Point SANDBOX_DATA_DIR at an empty or new folder, or start with --keep to use the files as they are.`,
    );
  if (!keep) rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true });
  if (ours || entries.length === 0) writeFileSync(join(path, MARKER), "");
  return { kept: keep ? entries.length : 0 };
}
