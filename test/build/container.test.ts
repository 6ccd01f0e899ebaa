// The Dockerfile and compose.yaml (ADR 016), checked without a Docker daemon: the runtime image
// holds what the compiled server reads, runs it as `node`, and its health check command works
// against the real bundle; the build stage's files are enough to compile the server; compose runs
// two connectors on one Redis. A real `docker build` has not been run where this was written.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PATHS } from "../../server/paths";
import { ROOT, run, startBundle } from "../helpers/compiled-server";

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's stages (from one FROM to the next), each a list of instructions. */
function dockerfileStages(): Instruction[][] {
  const text = readFileSync(join(ROOT, "Dockerfile"), "utf8").replace(/\\\n\s*/g, " ");
  const stages: Instruction[][] = [];
  for (const line of text.split("\n")) {
    const match = /^([A-Z]+)\s+(.*)$/.exec(line.trim());
    if (!match) continue;
    const instruction = { keyword: match[1]!, args: match[2]! };
    if (instruction.keyword === "FROM") stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

const stages = dockerfileStages();
const [buildStage, depsStage, runtime] = stages as [Instruction[], Instruction[], Instruction[]];
const all = (stage: Instruction[], keyword: string) =>
  stage.filter((instruction) => instruction.keyword === keyword).map((i) => i.args);
/** Sources of the stage's `COPY a b dest` lines copied from the build context. */
const copiedFromContext = (stage: Instruction[]) =>
  all(stage, "COPY")
    .filter((args) => !args.startsWith("--from"))
    .flatMap((args) => args.split(/\s+/).slice(0, -1));

describe("Dockerfile", () => {
  it("runs the compiled server with plain node, production dependencies only, as user node", () => {
    expect(stages).toHaveLength(3);
    expect(all(depsStage, "RUN").join(" ")).toContain("npm ci --omit=dev");
    expect(all(runtime, "COPY")).toContain("--from=deps /app/node_modules node_modules");
    expect(all(runtime, "COPY")).toContain("--from=build /app/dist dist");
    expect(runtime.map((i) => i.keyword).indexOf("USER")).toBeLessThan(
      runtime.map((i) => i.keyword).indexOf("CMD"),
    );
    expect(all(runtime, "USER")).toEqual(["node"]);
    // What `npm run build` writes (scripts/build-server.mjs), run by node with no loader.
    expect(JSON.parse(all(runtime, "CMD")[0]!)).toEqual([
      "node",
      "--enable-source-maps",
      "dist/server.mjs",
    ]);
    expect(readFileSync(join(ROOT, "scripts", "build-server.mjs"), "utf8")).toContain(
      'const outfile = "dist/server.mjs"',
    );
    const base = all(buildStage, "FROM")[0]!.split(/\s+/)[0];
    expect(readFileSync(join(ROOT, "Dockerfile"), "utf8")).toContain("ARG NODE_IMAGE=node:20-slim");
    expect(base).toBe("${NODE_IMAGE}");
  });

  it("copies every file the server reads at runtime, where server/paths.ts looks for it", () => {
    const copied = new Set([
      ...copiedFromContext(runtime),
      ...all(runtime, "COPY")
        .filter((args) => args.startsWith("--from"))
        .map((args) => args.split(/\s+/).at(-1)!),
    ]);
    expect(copied).toContain("package.json"); // marks the root (findPackageRoot)
    for (const path of [PATHS.manifest, PATHS.assets, PATHS.dist])
      expect(copied).toContain(relative(PATHS.root, path));
  });

  it("its build stage holds everything the server bundle is compiled from", async () => {
    const context = mkdtempSync(join(tmpdir(), "docker-context-"));
    for (const source of copiedFromContext(buildStage)) {
      mkdirSync(dirname(join(context, source)), { recursive: true });
      cpSync(join(ROOT, source), join(context, source), { recursive: true });
    }
    symlinkSync(join(ROOT, "node_modules"), join(context, "node_modules"));
    const build = await run(["scripts/build-server.mjs"], { cwd: context });
    expect(build.output).toContain("dist/server.mjs");
    expect(build.code).toBe(0);
  });

  describe("HEALTHCHECK", () => {
    const healthcheck = all(runtime, "HEALTHCHECK")[0]!;
    const command = JSON.parse(healthcheck.slice(healthcheck.indexOf("CMD") + 3)) as string[];
    let bundle: Awaited<ReturnType<typeof startBundle>>;
    beforeAll(async () => {
      await run(["scripts/build-server.mjs"]);
      bundle = await startBundle();
    });
    afterAll(() => {
      bundle.child.kill("SIGKILL");
    });

    it("uses node (the slim image has no curl)", () => {
      expect(command[0]).toBe("node");
    });

    it("passes while the compiled server answers /health", async () => {
      const port = new URL(bundle.url).port;
      const result = await run(command.slice(1), { env: { PATH: process.env.PATH, PORT: port } });
      expect(result).toEqual({ code: 0, output: "" });
    });

    it("fails when nothing answers", async () => {
      const closed = createServer();
      await new Promise<void>((done) => closed.listen(0, "127.0.0.1", () => done()));
      const port = String((closed.address() as { port: number }).port);
      await new Promise<void>((done) => closed.close(() => done()));
      const result = await run(command.slice(1), { env: { PATH: process.env.PATH, PORT: port } });
      expect(result.code).toBe(1);
    });
  });
});

describe("compose.yaml", () => {
  interface Service {
    image?: string;
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition: string }>;
    ports?: string[];
    command?: string[];
    healthcheck?: unknown;
  }
  const compose = parse(readFileSync(join(ROOT, "compose.yaml"), "utf8"), { merge: true }) as {
    services: Record<string, Service>;
  };
  const connectors = Object.values(compose.services).filter((s) => s.environment?.REDIS_URL);

  it("runs two connector processes on one Redis, which they wait for", () => {
    expect(connectors).toHaveLength(2);
    const redisHosts = new Set(connectors.map((s) => new URL(s.environment!.REDIS_URL!).hostname));
    expect(redisHosts.size).toBe(1);
    const redis = compose.services[[...redisHosts][0]!]!;
    expect(redis.healthcheck).toBeDefined();
    // BullMQ's queues must never lose keys to eviction.
    expect(redis.command?.join(" ")).toContain("--maxmemory-policy noeviction");
    for (const connector of connectors)
      expect(connector.depends_on?.[[...redisHosts][0]!]?.condition).toBe("service_healthy");
  });

  it("gives both the same SECRET, Intercom app and PUBLIC_URL, and publishes the image's port", () => {
    const [first, second] = connectors as [Service, Service];
    expect(first.environment).toEqual(second.environment);
    for (const name of ["SECRET", "INTERCOM_CLIENT_ID", "INTERCOM_CLIENT_SECRET", "PUBLIC_URL"])
      expect(first.environment?.[name]).toMatch(new RegExp(`^\\$\\{${name}:\\?`));
    const containerPorts = connectors.flatMap((s) => s.ports!.map((p) => p.split(":")[1]));
    expect(new Set(containerPorts)).toEqual(new Set(["8080"]));
    expect(all(runtime, "ENV").join(" ")).toContain("PORT=8080");
  });
});
