import { hashUnit } from "../random.js";
import type { ContactRecord, Role } from "./contact-record.js";

/** A run of contacts made by `POST /_sandbox/contacts {count, role}`; each is computed from its index. */
export interface GeneratedBlock {
  start: number;
  count: number;
  role: Role;
  /** Unix seconds when the block was added; timestamps spread over the year before it. */
  addedAt: number;
}

const YEAR = 365 * 24 * 3600;
const firstNames = [
  "Ada",
  "Grace",
  "Alan",
  "Edsger",
  "Barbara",
  "Donald",
  "Frances",
  "Ken",
  "Radia",
  "Tim",
];
const lastNames = [
  "Lovelace",
  "Hopper",
  "Turing",
  "Dijkstra",
  "Liskov",
  "Knuth",
  "Allen",
  "Thompson",
  "Perlman",
  "Lee",
];
const plans = ["free", "starter", "pro", "enterprise"];
const cities: Array<[string, string]> = [
  ["United States", "New York"],
  ["France", "Paris"],
  ["Germany", "Berlin"],
  ["Japan", "Tokyo"],
  ["Brazil", "São Paulo"],
];

/** updated_at grows with the index, so a range of updated_at maps to a range of indexes. */
export function generatedUpdatedAt(block: GeneratedBlock, index: number): number {
  return block.addedAt - YEAR + Math.floor((index * YEAR) / Math.max(block.count, 1));
}

export const generatedCreatedAt = (block: GeneratedBlock, index: number): number =>
  generatedUpdatedAt(block, index) - 86_400 * 30;

export const generatedEmail = (seq: number, first: string, last: string) =>
  `${first}.${last}.${seq}@example.com`.toLowerCase();

/** `...<seq>@example.com` → seq, so duplicate checks and searches by email need no index. */
export function seqFromGeneratedEmail(email: string): number | undefined {
  const match = /\.(\d+)@example\.com$/.exec(email.toLowerCase());
  return match ? Number(match[1]) : undefined;
}

export const generatedUserExternalId = (seq: number) => `gen-user-${seq}`;

export function seqFromGeneratedExternalId(externalId: string): number | undefined {
  const match =
    /^gen-user-(\d+)$/.exec(externalId) ??
    /^[0-9a-f]{8}-0000-4000-8000-([0-9a-f]{12})$/.exec(externalId);
  if (!match) return undefined;
  return match[0].startsWith("gen-") ? Number(match[1]) : parseInt(match[1], 16);
}

/** Leads get an Intercom-made UUID external_id (DESIGN.md §4); generated ones encode their index. */
export function generatedLeadExternalId(seed: number, seq: number): string {
  const head = Math.floor(hashUnit(seed, seq, 7) * 0xffffffff)
    .toString(16)
    .padStart(8, "0");
  return `${head}-0000-4000-8000-${seq.toString(16).padStart(12, "0")}`;
}

export function generateContact(
  block: GeneratedBlock,
  seq: number,
  id: string,
  seed: number,
): ContactRecord {
  const index = seq - block.start;
  const pick = <T>(list: T[], salt: number) =>
    list[Math.floor(hashUnit(seed, seq, salt) * list.length)];
  const first = pick(firstNames, 1);
  const last = pick(lastNames, 2);
  const [country, city] = pick(cities, 3);
  const updatedAt = generatedUpdatedAt(block, index);
  const createdAt = generatedCreatedAt(block, index);
  const isUser = block.role === "user";
  const hasEmail = isUser || hashUnit(seed, seq, 4) < 0.5;
  return {
    seq,
    id,
    role: block.role,
    external_id: isUser ? generatedUserExternalId(seq) : generatedLeadExternalId(seed, seq),
    email: hasEmail ? generatedEmail(seq, first, last) : null,
    phone: null,
    name: isUser || hasEmail ? `${first} ${last}` : null,
    avatar: null,
    owner_id: null,
    unsubscribed_from_emails: hashUnit(seed, seq, 5) < 0.05,
    created_at: createdAt,
    updated_at: updatedAt,
    signed_up_at: isUser ? createdAt : null,
    last_seen_at: updatedAt,
    custom_attributes: isUser
      ? { plan: pick(plans, 6), seats: 1 + Math.floor(hashUnit(seed, seq, 8) * 50) }
      : {},
    location: { country, region: null, city },
    tags: [],
    archived: false,
  };
}
