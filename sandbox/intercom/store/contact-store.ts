import type { IdCodec } from "../ids.js";
import { cloneRecord, type ContactRecord, type Role } from "./contact-record.js";
import {
  generateContact,
  seqFromGeneratedEmail,
  seqFromGeneratedExternalId,
  type GeneratedBlock,
} from "./generated-contacts.js";

interface Version {
  record: ContactRecord;
  /** Milliseconds when this version was written. */
  at: number;
}

/**
 * Holds every contact in one order (sequence numbers). Generated blocks are computed on demand;
 * only written contacts are kept in memory, with recent versions so search can lag behind writes.
 */
export class ContactStore {
  private nextSeq = 0;
  private blocks: GeneratedBlock[] = [];
  /** Sequence numbers of contacts created one by one, ascending by construction. */
  private explicitSeqs: number[] = [];
  private written = new Map<number, Version[]>();
  private removed = new Set<number>();
  private archived = new Set<number>();
  private byExternalId = new Map<string, number>();
  private byEmail = new Map<string, Set<number>>();

  constructor(
    private readonly ids: IdCodec,
    private readonly seed: number,
  ) {}

  addGenerated(count: number, role: Role, addedAt: number): GeneratedBlock {
    const block = { start: this.nextSeq, count, role, addedAt };
    this.blocks.push(block);
    this.nextSeq += count;
    return block;
  }

  generatedBlocks(): readonly GeneratedBlock[] {
    return this.blocks;
  }

  /** Allocates a new explicit contact; `build` receives its seq and id. */
  create(build: (seq: number, id: string) => ContactRecord, now: number): ContactRecord {
    const seq = this.nextSeq++;
    this.explicitSeqs.push(seq);
    const record = build(seq, this.ids.idFor(seq));
    this.write(record, now);
    return cloneRecord(record);
  }

  /** Stores a new version of a contact (and materialises a generated one). */
  write(record: ContactRecord, now: number): void {
    const previous = this.get(record.seq);
    if (previous) this.unindex(previous);
    let versions = this.written.get(record.seq);
    if (!versions) {
      // A generated contact was always searchable in its generated form: keep that version visible.
      versions = previous ? [{ record: previous, at: 0 }] : [];
    }
    versions.push({ record: cloneRecord(record), at: now });
    if (versions.length > 8) versions.splice(0, versions.length - 8);
    this.written.set(record.seq, versions);
    if (record.archived) this.archived.add(record.seq);
    else this.archived.delete(record.seq);
    this.index(record);
  }

  remove(seq: number): void {
    const record = this.get(seq);
    if (record) this.unindex(record);
    this.removed.add(seq);
    this.archived.delete(seq);
    this.written.delete(seq);
  }

  seqOfId(id: string): number | undefined {
    const seq = this.ids.seqOf(id);
    return seq !== undefined && this.get(seq) ? seq : undefined;
  }

  /** The current contact (archived included), or undefined when unknown, deleted or merged. */
  get(seq: number): ContactRecord | undefined {
    if (this.removed.has(seq)) return undefined;
    const versions = this.written.get(seq);
    if (versions) return cloneRecord(versions[versions.length - 1].record);
    const block = this.blockOf(seq);
    return block ? generateContact(block, seq, this.ids.idFor(seq), this.seed) : undefined;
  }

  /** What search sees: the latest version written at least `lagMs` ago. */
  searchView(seq: number, now: number, lagMs: number): ContactRecord | undefined {
    if (this.removed.has(seq)) return undefined;
    const versions = this.written.get(seq);
    if (!versions) return this.get(seq);
    for (let i = versions.length - 1; i >= 0; i--) {
      if (versions[i].at <= now - lagMs) return versions[i].record;
    }
    return undefined;
  }

  findByExternalId(externalId: string): ContactRecord | undefined {
    const seq = this.byExternalId.get(externalId);
    if (seq !== undefined) return this.get(seq);
    const generated = seqFromGeneratedExternalId(externalId);
    if (generated === undefined || this.written.has(generated)) return undefined;
    const record = this.get(generated);
    return record?.external_id === externalId ? record : undefined;
  }

  findByEmail(email: string): ContactRecord[] {
    const lower = email.toLowerCase();
    const found = [...(this.byEmail.get(lower) ?? [])].map((seq) => this.get(seq)!);
    const generated = seqFromGeneratedEmail(lower);
    if (generated !== undefined && !this.written.has(generated)) {
      const record = this.get(generated);
      if (record?.email === lower) found.push(record);
    }
    return found.sort((a, b) => a.seq - b.seq);
  }

  /** Live, unarchived contacts in order, starting after `afterSeq`; cost grows with what is read. */
  seqsAfter(afterSeq: number): Generator<number> {
    return this.candidatesAfter(afterSeq);
  }

  /**
   * Like seqsAfter, but generated blocks are cut to `narrow(block)` ([from, to) in seqs); written
   * contacts inside blocks are always included, since their fields no longer follow the index.
   */
  *candidatesAfter(
    afterSeq: number,
    narrow?: (block: GeneratedBlock) => [number, number],
  ): Generator<number> {
    const writtenInBlocks = narrow
      ? this.writtenGeneratedSeqs().filter((seq) => seq > afterSeq)
      : [];
    let w = 0;
    for (const [from, to] of this.rangesAfter(afterSeq, narrow)) {
      while (w < writtenInBlocks.length && writtenInBlocks[w] < from) {
        if (this.isListed(writtenInBlocks[w])) yield writtenInBlocks[w];
        w++;
      }
      for (let seq = from; seq < to; seq++) {
        if (writtenInBlocks[w] === seq) w++;
        if (this.isListed(seq)) yield seq;
      }
    }
    for (; w < writtenInBlocks.length; w++) {
      if (this.isListed(writtenInBlocks[w])) yield writtenInBlocks[w];
    }
  }

  private isListed(seq: number): boolean {
    return !this.removed.has(seq) && !this.archived.has(seq);
  }

  /** Seqs that are gone or hidden from lists: deleted, merged or archived. */
  hiddenSeqs(): number[] {
    return [...this.removed, ...this.archived];
  }

  /** Seqs of contacts held in memory (created one by one, or generated and then written). */
  writtenSeqs(): number[] {
    return [...this.written.keys()];
  }

  private writtenGeneratedSeqs(): number[] {
    return [...this.written.keys()].filter((seq) => this.blockOf(seq)).sort((a, b) => a - b);
  }

  /** [from, to) runs of sequence numbers after `afterSeq`, in order: blocks and explicit contacts. */
  private *rangesAfter(
    afterSeq: number,
    narrow?: (block: GeneratedBlock) => [number, number],
  ): Generator<[number, number]> {
    let blockIndex = this.firstBlockEndingAfter(afterSeq);
    let explicitIndex = upperBound(this.explicitSeqs, afterSeq);
    while (blockIndex < this.blocks.length || explicitIndex < this.explicitSeqs.length) {
      const block = this.blocks[blockIndex];
      const explicit = this.explicitSeqs[explicitIndex];
      if (block && (explicit === undefined || block.start < explicit)) {
        const [from, to] = narrow ? narrow(block) : [block.start, block.start + block.count];
        const start = Math.max(from, afterSeq + 1);
        if (start < to) yield [start, to];
        blockIndex++;
      } else {
        yield [explicit, explicit + 1];
        explicitIndex++;
      }
    }
  }

  /** Number of live, unarchived contacts. */
  count(): number {
    let total = this.explicitSeqs.length;
    for (const block of this.blocks) total += block.count;
    return total - this.removed.size - this.archived.size;
  }

  /** Every materialised contact (explicit or written), for the inspection API. */
  *materialised(): Generator<ContactRecord> {
    const seqs = [...this.written.keys()].sort((a, b) => a - b);
    for (const seq of seqs) yield this.get(seq)!;
  }

  blockOf(seq: number): GeneratedBlock | undefined {
    const index = this.firstBlockEndingAfter(seq - 1);
    const block = this.blocks[index];
    return block && block.start <= seq && seq < block.start + block.count ? block : undefined;
  }

  /** Index of the first block whose last seq is > afterSeq (binary search; blocks are ordered). */
  private firstBlockEndingAfter(afterSeq: number): number {
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const block = this.blocks[mid];
      if (block.start + block.count - 1 > afterSeq) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private index(record: ContactRecord): void {
    if (record.external_id) this.byExternalId.set(record.external_id, record.seq);
    if (record.email) {
      const key = record.email.toLowerCase();
      const set = this.byEmail.get(key) ?? new Set<number>();
      set.add(record.seq);
      this.byEmail.set(key, set);
    }
  }

  private unindex(record: ContactRecord): void {
    if (record.external_id && this.byExternalId.get(record.external_id) === record.seq) {
      this.byExternalId.delete(record.external_id);
    }
    if (record.email) this.byEmail.get(record.email.toLowerCase())?.delete(record.seq);
  }
}

function upperBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
