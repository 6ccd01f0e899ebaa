import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { FirehoseEntry } from "../../../server/clients/hull/types";
import { createFileOutbox } from "../../../server/durable/file-outbox";

const credentials = {
  id: "5f0c1a2b3c4d5e6f7a8b9c0d",
  organization: "acme.hullapp.io",
  secret: "connector-secret",
};
const entry = (email: string): FirehoseEntry => ({
  type: "traits",
  claims: { email },
  body: { "intercom/email": email },
});

describe("createFileOutbox(dataDir, secret)", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "outbox-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("keeps appended records across a restart and hands them over in order", async () => {
    await createFileOutbox(dir, "a-long-enough-secret").append(credentials, [entry("a@x.io")]);
    await createFileOutbox(dir, "a-long-enough-secret").append(credentials, [
      entry("b@x.io"),
      entry("c@x.io"),
    ]);
    const seen: string[] = [];
    const delivered = await createFileOutbox(dir, "a-long-enough-secret").drain(
      async (creds, entries) => {
        expect(creds).toEqual(credentials);
        seen.push(...entries.map((e) => e.claims.email!));
      },
    );
    expect(delivered).toBe(3);
    expect(seen).toEqual(["a@x.io", "b@x.io", "c@x.io"]);
    expect(await createFileOutbox(dir, "a-long-enough-secret").size()).toBe(0);
  });

  it("keeps what Hull refused for the next drain", async () => {
    const outbox = createFileOutbox(dir, "a-long-enough-secret");
    await outbox.append(credentials, [entry("a@x.io")]);
    await outbox.append(credentials, [entry("b@x.io")]);
    expect(await outbox.drain(async () => Promise.reject(new Error("Hull is down")))).toBe(0);
    expect(await outbox.size()).toBe(2);
    expect(await outbox.drain(async () => undefined)).toBe(2);
    expect(await outbox.size()).toBe(0);
  });

  it("picks up a drain a crash interrupted", async () => {
    const outbox = createFileOutbox(dir, "a-long-enough-secret");
    await outbox.append(credentials, [entry("a@x.io")]);
    const line = await readFile(join(dir, "outbox.jsonl"), "utf8");
    await rm(join(dir, "outbox.jsonl"));
    await writeFile(join(dir, "outbox.draining.jsonl"), `${line}{"torn`);
    expect(await createFileOutbox(dir, "a-long-enough-secret").drain(async () => undefined)).toBe(
      1,
    );
  });

  it("stores the connector secret encrypted", async () => {
    await createFileOutbox(dir, "a-long-enough-secret").append(credentials, [entry("a@x.io")]);
    expect(await readFile(join(dir, "outbox.jsonl"), "utf8")).not.toContain(credentials.secret);
  });
});
