// The production build (ADR 016): `npm run build` compiles the server into dist/server.mjs, which
// plain `node` runs with production dependencies only — what the container image does.
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, run, startBundle } from "../helpers/compiled-server";

beforeAll(async () => {
  const build = await run(["scripts/build-server.mjs"]);
  expect(build.output).toContain("dist/server.mjs");
  expect(build.code).toBe(0);
});

describe("the compiled server (dist/server.mjs)", () => {
  it("imports only Node's modules and production dependencies: `npm ci --omit=dev` is enough", () => {
    const meta = JSON.parse(readFileSync(join(ROOT, "dist", "server.meta.json"), "utf8")) as {
      outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
    };
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    const packageName = (spec: string) =>
      spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
    const external = meta.outputs["dist/server.mjs"]!.imports.filter((i) => i.external);
    expect(external.length).toBeGreaterThan(0);
    const needed = new Set(
      external
        .map((i) => i.path)
        .filter((path) => !path.startsWith("node:") && !builtinModules.includes(path))
        .map(packageName),
    );
    expect([...needed].filter((name) => !(name in pkg.dependencies))).toEqual([]);
    // Everything of ours is inside: no relative import is left for Node to resolve.
    expect(external.filter((i) => i.path.startsWith("."))).toEqual([]);
  });

  describe("run by plain node", () => {
    let bundle: Awaited<ReturnType<typeof startBundle>>;
    beforeAll(async () => {
      bundle = await startBundle();
    });
    afterAll(() => {
      if (bundle.child.exitCode === null) bundle.child.kill("SIGKILL");
    });

    it("answers /health and serves the manifest, its files and the browser bundles", async () => {
      const health = await fetch(`${bundle.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ ok: true });

      const manifest = await fetch(`${bundle.url}/manifest.json`);
      expect(manifest.status).toBe(200);
      expect(await manifest.json()).toEqual(
        JSON.parse(readFileSync(join(ROOT, "manifest.json"), "utf8")),
      );

      const logo = await fetch(`${bundle.url}/logo.png`);
      expect(logo.status).toBe(200);
      expect(Buffer.from(await logo.arrayBuffer())).toEqual(
        readFileSync(join(ROOT, "assets", "logo.png")),
      );
      // Built by the test setup (test/setup/build-bundles.ts), served from dist/.
      const ship = await fetch(`${bundle.url}/ship.js`);
      expect(ship.status).toBe(200);
      expect(await ship.text()).toBe(readFileSync(join(ROOT, "dist", "ship.js"), "utf8"));
    });

    it("stops cleanly on SIGTERM, as a container runtime asks it to", async () => {
      bundle.child.kill("SIGTERM");
      expect(await bundle.exit).toBe(0);
    });
  });
});
