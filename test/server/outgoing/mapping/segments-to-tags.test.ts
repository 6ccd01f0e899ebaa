import { describe, expect, it } from "vitest";
import { mapSegmentsToTags } from "../../../../server/outgoing/mapping/segments-to-tags";
import { SEGMENT_A, SEGMENT_B, update, user } from "../builders";

const both = user({ segment_ids: [SEGMENT_A.id, SEGMENT_B.id] });

describe("mapSegmentsToTags(update, options)", () => {
  const cases: [
    string,
    Parameters<typeof mapSegmentsToTags>,
    { apply: string[]; remove: string[] },
  ][] = [
    [
      "a new contact gets the tags of all its segments",
      [update({ user: both }), { newContact: true }],
      { apply: ["Customers", "VIP"], remove: [] },
    ],
    [
      "a user from an extract gets the tags of all its segments",
      [update({ user: both, changes: undefined }), { newContact: false }],
      { apply: ["Customers", "VIP"], remove: [] },
    ],
    [
      "an existing contact gets the tag of the segment it entered",
      [
        update({
          user: both,
          changes: { isNew: false, user: { plan: [1, 2] }, entered: [SEGMENT_B], left: [] },
        }),
        { newContact: false },
      ],
      { apply: ["VIP"], remove: [] },
    ],
    [
      "a contact loses the tag of the segment it left",
      [
        update({ changes: { isNew: false, user: {}, entered: [], left: [SEGMENT_B] } }),
        { newContact: false },
      ],
      { apply: [], remove: ["VIP"] },
    ],
    [
      "a segment left and re-entered in one batch keeps its tag",
      [
        update({
          user: both,
          changes: { isNew: false, user: {}, entered: [SEGMENT_B], left: [SEGMENT_B] },
        }),
        { newContact: false },
      ],
      { apply: ["VIP"], remove: [] },
    ],
    [
      "tags Hull saw on the contact are not applied again",
      [
        update({ user: user({ ...both, "intercom/tags": ["customers"] }), changes: undefined }),
        { newContact: false },
      ],
      { apply: ["VIP"], remove: [] },
    ],
    [
      "tags-only removes and never applies",
      [
        update({
          user: user({ segment_ids: [] }),
          changes: { isNew: false, user: {}, entered: [], left: [SEGMENT_A] },
        }),
        { newContact: false, tagsOnly: true },
      ],
      { apply: [], remove: ["Customers"] },
    ],
  ];
  it.each(cases)("%s", (_title, args, expected) => {
    const changes = mapSegmentsToTags(...args);
    expect({
      apply: changes.apply.map((segment) => segment.name),
      remove: changes.remove.map((segment) => segment.name),
    }).toEqual(expected);
  });
});
