// The embedded stores written whole (registry, Hull's last answers) share one file map: one
// shared first read, writes one at a time, a failed write's change kept for the next.
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createJsonFileMap } from "../../../server/durable/json-file-map";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "json-file-map-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("createJsonFileMap(file)", () => {
  it("writes every change of a concurrent burst, __proto__ as a key like any other", async () => {
    const file = join(dir, "map.json");
    const map = createJsonFileMap<number>(file);
    await Promise.all(
      ["a", "b", "__proto__", "c"].map((key, index) =>
        map.change((values) => void values.set(key, index)),
      ),
    );
    const reopened = await createJsonFileMap<number>(file).read();
    expect([...reopened.entries()]).toEqual([
      ["a", 0],
      ["b", 1],
      ["__proto__", 2],
      ["c", 3],
    ]);
  });

  it("rejects a change whose write failed, and writes it with the next change", async () => {
    const file = join(dir, "map.json");
    const map = createJsonFileMap<string>(file);
    await map.change((values) => void values.set("zero", "0"));
    // A folder where the temporary file goes: the write fails until it is gone.
    const temporary = `${file}.${process.pid}.tmp`;
    await mkdir(temporary);
    await expect(map.change((values) => void values.set("first", "1"))).rejects.toThrow();
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ zero: "0" });

    await rm(temporary, { recursive: true });
    await map.change((values) => void values.set("second", "2"));
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({
      zero: "0",
      first: "1",
      second: "2",
    });
  });
});
