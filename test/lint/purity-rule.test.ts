// The purity rule (eslint.config.mjs) lints probe files placed, by path, inside the mapping and
// filter folders: an I/O import must fail, a pure one must pass. Once, the rule's pattern matched
// no path at all and every mapping file linted clean; this keeps that from happening silently.
import { ESLint } from "eslint";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const eslint = new ESLint({ cwd: ROOT });

/** The rule ids ESLint reports for `code` as if it were the file at `path` (relative to the root). */
async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  return result!.messages.map((message) => message.ruleId ?? message.message);
}

// Each pure folder once, at its own depth (the relative imports below are read as written, so
// the probes need not resolve): server/<area>/mapping, server/accounts/mapping, filter, common,
// and the one pure file of segment-members, linted under its real name.
const MAPPING_FILES = [
  "server/incoming/mapping/probe.ts",
  "server/outgoing/mapping/probe.ts",
  "server/outgoing/filter/probe.ts",
  "server/accounts/mapping/probe.ts",
  "common/probe.ts",
  "server/segment-members/plan-member-extracts.ts",
];

describe("the purity rule of mapping and filter folders", () => {
  it.each(
    MAPPING_FILES.flatMap((file) =>
      [
        'import { createFirehoseWriter } from "../../clients/hull/firehose";',
        'import { normaliseRegion } from "../../clients/intercom/regions";',
        'import { readJsonBody } from "../../http/body";',
        'import { createLogger } from "../../log";',
        'import Koa from "koa";',
        'import pino from "pino";',
        'import { readFile } from "node:fs/promises";',
        'import { request } from "http";',
      ].map((line) => [file, line] as const),
    ),
  )("%s: refuses %s", async (file, line) => {
    const code = `${line}\nexport const probe = [${line.match(/import (?:\{ )?(\w+)/)![1]}];\n`;
    expect(await problems(file, code)).toContain("no-restricted-imports");
  });

  it.each(MAPPING_FILES)("%s: allows types, a types module and pure neighbours", async (file) => {
    const code = [
      'import type { FirehoseEntry } from "../../clients/hull/types";',
      'import type { Region } from "../../clients/intercom/regions";',
      'import { isObject } from "../mapping/read";',
      "export const probe = (entry: FirehoseEntry, region: Region) => [entry, region, isObject];",
      "",
    ].join("\n");
    expect(await problems(file, code)).toEqual([]);
  });

  it.each(["server/probe.ts", "server/segment-members/request-member-extracts.ts"])(
    "does not bind %s, outside the pure folders",
    async (file) => {
      const code =
        'import { createFirehoseWriter } from "./clients/hull/firehose";\nexport const probe = [createFirehoseWriter];\n';
      expect(await problems(file, code)).toEqual([]);
    },
  );
});
