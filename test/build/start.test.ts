// Issue 17: `npm start` (scripts/start.ts) says what is wrong with the environment before it builds
// or starts anything, naming the variable to change, and says whether the sandbox starts fresh.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/compiled-server";
import { HEAVY_TEST_MS, waitUntil } from "../helpers/wait";

interface Started {
  output(): string;
  exit: Promise<number | null>;
  stop(): void;
}

/** `npm start` as a person runs it (tsx scripts/start.ts), with only the variables given. */
function start(args: string[], env: Record<string, string>): Started {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  return { output: () => output, exit, stop: () => void child.kill("SIGTERM") };
}

/** Runs `npm start` to its end: it must refuse. */
async function refused(args: string[], env: Record<string, string>) {
  const started = start(args, env);
  const code = await started.exit;
  return { code, output: started.output() };
}

const FREE = { PORT: "0", HULL_SANDBOX_PORT: "0", INTERCOM_SANDBOX_PORT: "0" };
const PRODUCTION = {
  SECRET: "start-test-secret-0123456789",
  INTERCOM_CLIENT_ID: "start-test-client",
  INTERCOM_CLIENT_SECRET: "start-test-client-secret",
};

/** Proves nothing slow ran: no build, no sandbox folder emptied, no stand-in started. */
function expectNothingStarted(output: string): void {
  expect(output).toContain("nothing was started");
  expect(output).not.toMatch(/Building|Up to date|Sandbox state|Stop with Ctrl\+C/);
}

describe("npm start refuses a bad environment before building", () => {
  it.each([
    [{ INTERCOM_CLIENT_ID: "abc" }, "INTERCOM_CLIENT_SECRET and SECRET are missing"],
    [{ SECRET: "0123456789abcdef0" }, "INTERCOM_CLIENT_ID and INTERCOM_CLIENT_SECRET are missing"],
    [{ INTERCOM_CLIENT_ID: "a", INTERCOM_CLIENT_SECRET: "b" }, "SECRET is missing"],
  ])("half a production configuration (%o) lists what is missing", async (env, missing) => {
    const { code, output } = await refused([], { ...FREE, ...env });
    expect(code).toBe(2);
    expect(output).toContain(missing);
    expect(output).toContain("To start the sandbox, unset");
    expectNothingStarted(output);
  });

  it.each(["abc", "1.5", "70000", ""])("PORT=%j is named with what was given", async (value) => {
    const { code, output } = await refused([], { ...FREE, PORT: value });
    expect(code).toBe(2);
    expect(output).toContain(`PORT: must be a port number (0 to 65535), not "${value}"`);
    expectNothingStarted(output);
  });

  it("production: PORT=abc is named too", async () => {
    const { code, output } = await refused([], { ...PRODUCTION, PORT: "abc" });
    expect(code).toBe(2);
    expect(output).toContain('PORT: must be a port number (0 to 65535), not "abc"');
    expectNothingStarted(output);
  });

  it("an unknown option is refused with the list of options", async () => {
    const { code, output } = await refused(["--fersh"], FREE);
    expect(code).toBe(2);
    expect(output).toContain("Unknown option --fersh");
    expect(output).toContain("--keep");
    expectNothingStarted(output);
  });

  it("two variables with one port are both named", async () => {
    const { code, output } = await refused([], {
      ...FREE,
      PORT: "18999",
      HULL_SANDBOX_PORT: "18999",
    });
    expect(code).toBe(2);
    expect(output).toContain("PORT and HULL_SANDBOX_PORT are all 18999");
    expectNothingStarted(output);
  });

  describe("a port another program holds", () => {
    let holder: Server;
    let port: number;
    beforeAll(async () => {
      holder = createServer();
      await new Promise<void>((done) => holder.listen(0, "127.0.0.1", () => done()));
      port = (holder.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((done) => holder.close(() => done())));

    it.each(["PORT", "HULL_SANDBOX_PORT", "INTERCOM_SANDBOX_PORT"])(
      "sandbox: names %s, the variable to change",
      async (name) => {
        const { code, output } = await refused([], { ...FREE, [name]: String(port) });
        expect(code).toBe(2);
        expect(output).toContain(`Port ${port} on 127.0.0.1 is already in use`);
        expect(output).toContain(`set ${name} to another port`);
        expectNothingStarted(output);
      },
    );

    it("production: names PORT", async () => {
      const { code, output } = await refused([], { ...PRODUCTION, PORT: String(port) });
      expect(code).toBe(2);
      expect(output).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(output).toContain("set PORT to another port");
      expectNothingStarted(output);
    });
  });

  it("a SANDBOX_DATA_DIR it did not create is never emptied", async () => {
    const dir = mkdtempSync(join(tmpdir(), "start-foreign-"));
    writeFileSync(join(dir, "precious.txt"), "not the sandbox's");
    const { code, output } = await refused([], { ...FREE, SANDBOX_DATA_DIR: dir });
    expect(code).toBe(2);
    expect(output).toContain(`SANDBOX_DATA_DIR=${dir} holds files "npm start" did not create`);
    expect(existsSync(join(dir, "precious.txt"))).toBe(true);
  });
});

describe("npm start with a production configuration", () => {
  /** The URL in the connector's "connector listening" log line, once it is printed. */
  const listeningUrl = (output: string) =>
    output
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as { msg?: string; publicUrl?: string })
      .find((entry) => entry.msg === "connector listening")?.publicUrl;

  it(
    "runs the compiled connector with plain node, and stops it on SIGTERM",
    async () => {
      const started = start([], {
        ...PRODUCTION,
        PORT: "0",
        LOG_LEVEL: "info",
        DATA_DIR: mkdtempSync(join(tmpdir(), "start-production-")),
      });
      try {
        const url = await waitUntil(() => listeningUrl(started.output()), {
          what: "the compiled connector to listen",
        });
        expect(started.output()).toContain("Starting the connector: node dist/server.mjs");
        expect(started.output()).not.toContain("Sandbox state");
        expect((await fetch(`${url}/health`)).status).toBe(200);
      } finally {
        started.stop();
      }
      expect(await started.exit).toBe(0);
    },
    HEAVY_TEST_MS,
  );
});

describe("npm start's sandbox: fresh by default, kept with --keep", () => {
  /** Starts the sandbox on free ports until it prints its URLs; returns them and the process. */
  async function startSandbox(args: string[], dataDir: string) {
    const started = start(["--empty", ...args], { ...FREE, SANDBOX_DATA_DIR: dataDir });
    await waitUntil(
      async () => {
        if (started.output().includes("Stop with Ctrl+C")) return true;
        // A start that failed says why at once, instead of a wait that gives up.
        const code = await Promise.race([started.exit, Promise.resolve("running")]);
        if (code !== "running") throw new Error(`npm start exited (${code}):\n${started.output()}`);
        return false;
      },
      { what: "npm start to print its URLs", timeoutMs: HEAVY_TEST_MS / 2 },
    );
    return started;
  }

  /** A sandbox folder holding the files of a previous run. */
  function previousRun(): string {
    const dir = join(mkdtempSync(join(tmpdir(), "start-sandbox-")), "sandbox");
    mkdirSync(dir);
    writeFileSync(join(dir, ".hull-intercom-sandbox"), "");
    writeFileSync(join(dir, "jobs.json"), "[]");
    return dir;
  }

  it(
    "a start empties the last run's files, says so, and every URL it prints opens",
    async () => {
      const dir = previousRun();
      const started = await startSandbox([], dir);
      try {
        expect(started.output()).toContain(`Sandbox state: FRESH — ${dir} was emptied`);
        expect(existsSync(join(dir, "jobs.json"))).toBe(false);
        const urls = started.output().match(/^ {2}[A-Z][\w -]+ {2,}(http:\/\/\S+)/gm) ?? [];
        expect(urls.length).toBe(7);
        // The API roots answer as the APIs do (401 without a token); every other line is a page.
        for (const line of urls.filter((text) => !/ API +http/.test(text))) {
          const url = line
            .trim()
            .split(/\s+/)
            .find((part) => part.startsWith("http"))!;
          // Every URL a person is shown opens something readable, without credentials of their own.
          const response = await fetch(url, { redirect: "follow" });
          expect({ url, status: response.status }).toEqual({ url, status: 200 });
        }
      } finally {
        started.stop();
      }
      expect(await started.exit).toBe(0);
    },
    HEAVY_TEST_MS,
  );

  it(
    "--keep keeps them and says so",
    async () => {
      const dir = previousRun();
      const started = await startSandbox(["--keep"], dir);
      try {
        expect(started.output()).toContain(`Sandbox state: KEPT — the connector's files in ${dir}`);
        expect(existsSync(join(dir, "jobs.json"))).toBe(true);
      } finally {
        started.stop();
      }
      expect(await started.exit).toBe(0);
    },
    HEAVY_TEST_MS,
  );
});
