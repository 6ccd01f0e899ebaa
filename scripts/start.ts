// `npm start`: the connector against the sandbox, or, with a real Intercom app's variables, the
// compiled connector alone. Everything that can be wrong with the environment (a half-set app, a
// bad or taken port, a folder it must not empty) is said first, in a second or two, naming the
// variable to change; only then does it build and start. Flags: --connected completes OAuth at
// start; --empty skips the demo data; --keep keeps the sandbox connector's files of the last run.
import { spawn } from "node:child_process";
import { loadConfig, loadSandboxConfig, startMode, type SandboxConfig } from "../server/config";
import { ConfigurationError } from "../server/errors";
import { BROWSER_BUNDLES, SERVER_BUNDLE, buildIfStale } from "./build-if-stale";
import { StartRefused, portProblems, prepareSandboxData } from "./preflight";

const FLAGS = {
  "--connected": "connect the sandbox workspace through OAuth at start (or SANDBOX_CONNECTED=1)",
  "--empty": "start the sandbox without demo data",
  "--keep": "keep the sandbox connector's files of the last run (default: start fresh)",
  "--help": "show this help",
};

function parseFlags(args: string[]): Set<string> {
  const unknown = args.filter((arg) => !(arg in FLAGS));
  if (unknown.length > 0)
    throw new StartRefused(`Unknown option ${unknown.join(", ")}.\n${usage()}`);
  return new Set(args);
}

function usage(): string {
  const lines = Object.entries(FLAGS).map(([flag, meaning]) => `  ${flag.padEnd(12)} ${meaning}`);
  return `Usage: npm start [-- options]\n${lines.join("\n")}`;
}

/** Throws StartRefused listing every port problem (names the variable for each). */
async function checkPorts(host: string, ports: Record<string, number>): Promise<void> {
  const problems = await portProblems(host, ports);
  if (problems.length > 0) throw new StartRefused(problems.join("\n"));
}

/** The compiled connector (`node dist/server.mjs`) in a child process with this environment. */
async function startProduction(): Promise<void> {
  const config = loadConfig(process.env);
  await checkPorts(config.host, { PORT: config.port });
  await buildIfStale([BROWSER_BUNDLES, SERVER_BUNDLE]);
  console.log(`Starting the connector: node dist/server.mjs (PORT ${config.port}).`);
  const child = spawn(process.execPath, ["--enable-source-maps", "dist/server.mjs"], {
    stdio: "inherit",
    env: process.env,
  });
  // SIGTERM is passed on. Ctrl+C is not: the terminal sends SIGINT to the whole process group, the
  // child included, and a second SIGINT would end it before it flushed.
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  process.on("SIGINT", () => undefined);
  child.once("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function startSandbox(flags: Set<string>, sandbox: SandboxConfig): Promise<void> {
  const env = process.env;
  // The connector's own variables, as the stack will pass them (it fills in the app and SECRET).
  loadConfig({
    ...env,
    SECRET: "x".repeat(16),
    INTERCOM_CLIENT_ID: "x",
    INTERCOM_CLIENT_SECRET: "x",
  });
  await checkPorts("127.0.0.1", sandbox.ports);
  const keep = flags.has("--keep");
  const { kept } = prepareSandboxData(sandbox.dataDir, {
    keep,
    isDefault: env.SANDBOX_DATA_DIR === undefined,
  });
  console.log(
    keep
      ? `Sandbox state: KEPT — the connector's files in ${sandbox.dataDir} (${kept} entries: registry, jobs, outbox, dead letters) are the last run's.\n` +
          `  The stand-ins start empty all the same (they keep everything in memory). Start without --keep for a fresh sandbox.`
      : `Sandbox state: FRESH — ${sandbox.dataDir} was emptied; the stand-ins start empty. Start with --keep to keep the connector's files.`,
  );
  await buildIfStale([BROWSER_BUNDLES]);
  // Loaded only now: the stand-ins and the connector take seconds to load, the checks above do not.
  const [{ startStack }, { connectThroughOAuth }, { seedDemo }] = await Promise.all([
    import("./stack"),
    import("../sandbox/scenarios/connect-through-oauth"),
    import("../sandbox/scenarios/demo"),
  ]);
  const stack = await startStack({
    connectorPort: sandbox.ports.PORT,
    hullPort: sandbox.ports.HULL_SANDBOX_PORT,
    intercomPort: sandbox.ports.INTERCOM_SANDBOX_PORT,
    env: { LOG_LEVEL: "info", ...env },
    dataDir: sandbox.dataDir,
  });
  const connected = flags.has("--connected") || sandbox.connected;
  if (connected) {
    const outcome = await connectThroughOAuth(
      `${stack.urls.connector}/auth?${stack.credentialsQuery}`,
    );
    if (outcome.status !== 200)
      throw new Error(`Connecting the sandbox workspace failed (${outcome.status})`);
  }
  // After connecting, so that the demo contacts' webhooks reach Hull too.
  if (!flags.has("--empty"))
    await seedDemo({ hullUrl: stack.urls.hull, intercomUrl: stack.urls.intercom });
  console.log(`
  Hull ⇄ Intercom connector — sandbox

  Connector dashboard    ${stack.urls.dashboard}
  Demo website           ${stack.urls.demo}
  Hull inspector         ${stack.urls.inspector}
  Intercom workspace     ${stack.urls.intercom}/  (contacts, attributes, tags, events)
  Hull stand-in API      ${stack.urls.hull}  (organization ${stack.hull.organization})
  Intercom stand-in API  ${stack.urls.intercom}  (REST API 2.14; control API under /_sandbox/)
  Connector health       ${stack.urls.connector}/health

  ${connected ? "Intercom is connected." : 'Open the dashboard and click "Continue with Intercom" to connect.'}
  Stop with Ctrl+C.
`);
  const stop = () => void stack.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

/**
 * "address already in use 127.0.0.1:8081" (a port taken between the check and the start) named
 * by the variable that sets the port.
 */
function explain(error: unknown, ports: Record<string, number>): string {
  const failure = error as NodeJS.ErrnoException & { port?: number };
  if (failure.code === "EADDRINUSE" && failure.port !== undefined) {
    const name = Object.keys(ports).find((key) => ports[key] === failure.port) ?? "PORT";
    return `Port ${failure.port} was taken while starting: set ${name} to another port (${name}=${failure.port + 10} npm start).`;
  }
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<number | undefined> {
  let ports: Record<string, number> = {};
  try {
    const flags = parseFlags(process.argv.slice(2));
    if (flags.has("--help")) {
      console.log(usage());
      return 0;
    }
    if (startMode(process.env) === "production") {
      if (flags.has("--keep") || flags.has("--empty") || flags.has("--connected"))
        throw new StartRefused(
          "--keep, --empty and --connected are sandbox options; the production connector takes none.",
        );
      ports = { PORT: loadConfig(process.env).port };
      await startProduction();
      return undefined;
    }
    const sandbox = loadSandboxConfig(process.env);
    ports = sandbox.ports;
    await startSandbox(flags, sandbox);
    return undefined;
  } catch (error) {
    if (error instanceof StartRefused || error instanceof ConfigurationError) {
      console.error(`npm start: nothing was started.\n${error.message}`);
      return 2;
    }
    console.error(explain(error, ports));
    return 1;
  }
}

void main().then((code) => {
  if (code !== undefined) process.exit(code);
});
