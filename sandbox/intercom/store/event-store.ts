import type { RecordedEvent } from "./contact-record.js";

/** Data events per contact, de-duplicated by contact + name + created_at (intercom-api.md §1.3). */
export class EventStore {
  private bySeq = new Map<number, RecordedEvent[]>();

  /** Returns false for a duplicate, which Intercom also answers 202 but does not store again. */
  record(seq: number, event: RecordedEvent): boolean {
    const events = this.bySeq.get(seq) ?? [];
    const name = event.event_name.toLowerCase();
    if (
      events.some((e) => e.event_name.toLowerCase() === name && e.created_at === event.created_at)
    )
      return false;
    events.push(event);
    this.bySeq.set(seq, events);
    return true;
  }

  of(seq: number): RecordedEvent[] {
    return this.bySeq.get(seq) ?? [];
  }

  moveAll(fromSeq: number, intoSeq: number): void {
    for (const event of this.of(fromSeq)) this.record(intoSeq, event);
    this.bySeq.delete(fromSeq);
  }
}
