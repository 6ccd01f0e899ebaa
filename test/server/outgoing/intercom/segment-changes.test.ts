import { describe, expect, it } from "vitest";
import type { IntercomApi } from "../../../../server/clients/intercom/api";
import { createLogger } from "../../../../server/log";
import { renameSegmentTags } from "../../../../server/outgoing/intercom/segment-changes";

describe("renameSegmentTags(api, settings, segments, logger)", () => {
  const logger = createLogger("silent");

  function apiRecording() {
    const renamed: [unknown, string][] = [];
    const api = {
      renameTag: async (id: string, name: string) => {
        renamed.push([id, name]);
        return { type: "tag", id, name };
      },
    } as unknown as IntercomApi;
    return { api, renamed };
  }

  it("renames the tag of a segment the connector tagged", async () => {
    const { api, renamed } = apiRecording();
    const settings = { tagMapping: { seg1: "77" } };
    const result = await renameSegmentTags(api, settings, [{ id: "seg1", name: " VIP " }], logger);
    expect(result).toEqual({ renamed: 1, failed: 0 });
    expect(renamed).toEqual([["77", "VIP"]]);
  });

  // Issue 22.1 kind: segment ids are Hull's input; a prototype name is not a mapped segment.
  it.each(["constructor", "toString", "__proto__", "hasOwnProperty"])(
    "a segment with id %s has no tag to rename",
    async (id) => {
      const { api, renamed } = apiRecording();
      const settings = { tagMapping: { seg1: "77" } };
      const result = await renameSegmentTags(api, settings, [{ id, name: "VIP" }], logger);
      expect(result).toEqual({ renamed: 0, failed: 0 });
      expect(renamed).toEqual([]);
    },
  );
});
