import { describe, expect, it } from "vitest";
import {
  mapSegmentsToTags,
  tagNamesAfter,
} from "../../../../server/outgoing/mapping/segments-to-tags";
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
    // Issue 15 class 6: the tags the contact has (intercom/tags) decide; a steady user costs nothing.
    [
      "an update with only events re-applies no tag the contact has",
      [
        update({
          user: user({ ...both, "intercom/tags": ["Customers", "VIP"] }),
          changes: { isNew: false, user: {}, entered: [], left: [] },
        }),
        { newContact: false },
      ],
      { apply: [], remove: [] },
    ],
    [
      "a message that changed nothing (is_new) re-applies no tag the contact has",
      [
        update({
          user: user({ ...both, "intercom/tags": ["Customers"] }),
          changes: { isNew: true, user: {}, entered: [], left: [] },
        }),
        { newContact: false },
      ],
      { apply: ["VIP"], remove: [] },
    ],
    [
      "a tag is removed on leave even when Hull thinks the contact lacks it",
      [
        update({
          user: user({ "intercom/tags": ["Customers"] }),
          changes: { isNew: false, user: {}, entered: [], left: [SEGMENT_B] },
        }),
        { newContact: false },
      ],
      { apply: [], remove: ["VIP"] },
    ],
    [
      "a tag is applied on enter even when Hull thinks the contact has it",
      [
        update({
          user: user({ ...both, "intercom/tags": ["Customers", "VIP"] }),
          changes: { isNew: false, user: {}, entered: [SEGMENT_B], left: [] },
        }),
        { newContact: false },
      ],
      { apply: ["VIP"], remove: [] },
    ],
    [
      "an attribute change applies no tag",
      [
        update({
          user: both,
          changes: { isNew: false, user: { plan: [1, 2] }, entered: [], left: [] },
        }),
        { newContact: false },
      ],
      { apply: [], remove: [] },
    ],
    [
      "a new contact gets its tags even if Hull lists them (from an older contact)",
      [update({ user: user({ ...both, "intercom/tags": ["Customers"] }) }), { newContact: true }],
      { apply: ["Customers", "VIP"], remove: [] },
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

describe("tagNamesAfter(held, applied, removed)", () => {
  const cases: [string, unknown, string[], string[], string[] | undefined][] = [
    ["nothing tagged: no write", ["Customers"], [], [], undefined],
    ["nothing tagged and Hull holds nothing: no write", undefined, [], [], undefined],
    ["first tag: Hull learns it", [], ["Customers"], [], ["Customers"]],
    ["first tag, Hull never saw tags", undefined, ["Customers"], [], ["Customers"]],
    ["other tags are kept", ["Beta tester"], ["Customers"], [], ["Beta tester", "Customers"]],
    ["a removed tag goes, whatever its case", ["customers", "VIP"], [], ["Customers"], ["VIP"]],
    [
      "applying a tag Hull lists already writes nothing",
      ["customers"],
      ["Customers"],
      [],
      undefined,
    ],
  ];
  it.each(cases)("%s", (_title, held, applied, removed, expected) => {
    const segments = (names: string[]) => names.map((name, i) => ({ id: `s${i}`, name }));
    expect(tagNamesAfter(held, segments(applied), segments(removed))).toEqual(expected);
  });
});
