import { randomObjectId } from "../ids.js";

/** A users segment; `query` is equality on flat attribute names (sandbox simplification). */
export interface Segment {
  id: string;
  name: string;
  query: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

/** The segment object carried by notifications (hull-platform.md §2.3). */
export interface SegmentSnapshot {
  id: string;
  name: string;
  type: "users_segment";
  created_at: string;
  updated_at: string;
}

export function toSegmentSnapshot(segment: Segment): SegmentSnapshot {
  return {
    id: segment.id,
    name: segment.name,
    type: "users_segment",
    created_at: segment.created_at,
    updated_at: segment.updated_at,
  };
}

export class SegmentStore {
  private readonly segments = new Map<string, Segment>();

  list(): Segment[] {
    return [...this.segments.values()];
  }

  get(id: string): Segment | undefined {
    return this.segments.get(id);
  }

  create(name: string, query: Record<string, unknown>): Segment {
    const now = new Date().toISOString();
    const segment = { id: randomObjectId(), name, query, created_at: now, updated_at: now };
    this.segments.set(segment.id, segment);
    return segment;
  }

  rename(id: string, name: string): Segment | undefined {
    const segment = this.segments.get(id);
    if (!segment) return undefined;
    segment.name = name;
    segment.updated_at = new Date().toISOString();
    return segment;
  }

  delete(id: string): Segment | undefined {
    const segment = this.segments.get(id);
    this.segments.delete(id);
    return segment;
  }

  clear(): void {
    this.segments.clear();
  }
}
