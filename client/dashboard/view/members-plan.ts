import type { MemberExtract, SegmentOption } from "../types";

/** "2 current members" / "1 current member" / "the current members" when Hull gave no count. */
function members(size: number | undefined): string {
  if (size === undefined) return "the current members";
  return `the ${size} current member${size === 1 ? "" : "s"}`;
}

function joinNames(parts: string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/**
 * What Save will do for segments added to the whitelist since the last save: e.g. "Saving will
 * send the 2 current members of Customers to Intercom." Undefined when no segment was added.
 */
export function saveMembersPlan(
  saved: readonly string[],
  current: readonly string[],
  segments: readonly SegmentOption[],
): string | undefined {
  const added = current.filter((id) => !saved.includes(id));
  if (added.length === 0) return undefined;
  const parts = added.map((id) => {
    const segment = segments.find((item) => item.id === id);
    return `${members(segment?.size)} of ${segment?.name ?? id}`;
  });
  return `Saving will send ${joinNames(parts)} to Intercom.`;
}

/** Hull's member count as shown beside a segment: "2 users", or undefined when unknown. */
export function segmentSizeText(size: number | undefined): string | undefined {
  return size === undefined ? undefined : `${size} user${size === 1 ? "" : "s"}`;
}

/** A segment's label in lists: "Customers · 2 users" when Hull counted them. */
export function segmentLabel(segment: SegmentOption): string {
  const size = segmentSizeText(segment.size);
  return size === undefined ? segment.name : `${segment.name} · ${size}`;
}

/** One line per extract request: what Hull is preparing, or why it could not be asked. */
export function extractOutcomeLines(extracts: readonly MemberExtract[]): {
  good: string[];
  bad: string[];
} {
  const good: string[] = [];
  const bad: string[] = [];
  for (const extract of extracts) {
    if (extract.requested) {
      good.push(
        `Hull is preparing ${members(extract.members)} of ${extract.name}; they are sent to Intercom as a job (see Overview).`,
      );
    } else {
      bad.push(extract.error ?? `The members of ${extract.name} could not be requested.`);
    }
  }
  return { good, bad };
}
