import { randomUUID } from "node:crypto";
import { pushCapped } from "../capped-log.js";
import { decideAfterAnswer, readFlowControl, type FlowControl } from "./flow-control.js";

export interface NotificationRecord {
  notification_id: string;
  channel: string;
  message_count: number;
  user_ids: string[];
  attempt: number;
  sent_at: string;
  status?: number;
  flow_control?: FlowControl;
  error?: string;
  outcome: "delivered" | "retrying" | "given-up";
}

export interface QueuedMessage {
  message: unknown;
  userId?: string;
}

export interface NotificationSenderOptions {
  /** The subscription URL, or undefined while no connector is attached (messages wait). */
  target(): string | undefined;
  envelope(channel: string, notificationId: string, messages: unknown[]): Record<string, unknown>;
  headers(notificationId: string): Record<string, string>;
  retryLimit: number;
  timeoutMs: number;
}

const INITIAL_BATCH_SIZE = 100;
const DEFAULT_RETRY_IN = 1000;

/**
 * Sends notifications one request at a time and obeys the connector's flow control: `next` sets
 * the size of the next batch and the wait before it, `retry` (or a 5xx, a timeout, a connection
 * error) resends the same messages after `in` ms, at most `retryLimit` times (hull-platform.md §2.4).
 */
export class NotificationSender {
  readonly log: NotificationRecord[] = [];
  private readonly queues = new Map<string, QueuedMessage[]>();
  private readonly sizes = new Map<string, number>();
  private draining = false;
  private closed = false;
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  constructor(private readonly options: NotificationSenderOptions) {}

  enqueue(channel: string, items: QueuedMessage[]): void {
    if (items.length === 0) return;
    const queue = this.queues.get(channel) ?? [];
    queue.push(...items);
    this.queues.set(channel, queue);
    void this.drain();
  }

  /**
   * Messages waiting to be sent, and whether a batch is out or the sender waits between batches
   * (a flow control's `in`, a retry's wait): `sending` false with nothing queued means every
   * notification was answered.
   */
  state(): { queued: number; sending: boolean } {
    let queued = 0;
    for (const queue of this.queues.values()) queued += queue.length;
    return { queued, sending: this.draining };
  }

  /** Starts sending whatever waits (called when the connector URL becomes known). */
  kick(): void {
    void this.drain();
  }

  clear(): void {
    this.queues.clear();
    this.sizes.clear();
    this.log.length = 0;
  }

  close(): void {
    this.closed = true;
    for (const entry of this.timers) {
      clearTimeout(entry.timer);
      entry.resolve();
    }
    this.timers.clear();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (!this.closed && this.options.target()) {
        const channel = [...this.queues.keys()].find((name) => this.queues.get(name)!.length > 0);
        if (!channel) break;
        const queue = this.queues.get(channel)!;
        const batch = queue.splice(0, this.sizes.get(channel) ?? INITIAL_BATCH_SIZE);
        const wait = await this.deliver(channel, batch);
        if (wait > 0) await this.sleep(wait);
      }
    } finally {
      this.draining = false;
    }
  }

  /** Delivers one batch, retrying as told; returns how long to wait before the next batch. */
  private async deliver(channel: string, batch: QueuedMessage[]): Promise<number> {
    const notificationId = randomUUID();
    const messages = batch.map((item) => item.message);
    for (let attempt = 1; !this.closed; attempt++) {
      const record: NotificationRecord = {
        notification_id: notificationId,
        channel,
        message_count: batch.length,
        user_ids: batch.flatMap((item) => (item.userId ? [item.userId] : [])),
        attempt,
        sent_at: new Date().toISOString(),
        outcome: "delivered",
      };
      pushCapped(this.log, record);
      const answer = await this.post(channel, notificationId, messages, attempt);
      record.status = answer.status;
      record.flow_control = answer.flowControl;
      record.error = answer.error;
      const decision = decideAfterAnswer(answer.status, answer.flowControl);
      if (decision === "next") {
        if (answer.flowControl?.size) this.sizes.set(channel, answer.flowControl.size);
        return answer.flowControl?.in ?? 0;
      }
      if (decision === "give-up" || attempt > this.options.retryLimit) {
        record.outcome = "given-up";
        return 0;
      }
      record.outcome = "retrying";
      await this.sleep(answer.flowControl?.in ?? DEFAULT_RETRY_IN);
    }
    return 0;
  }

  private async post(
    channel: string,
    notificationId: string,
    messages: unknown[],
    attempt: number,
  ): Promise<{ status?: number; flowControl?: FlowControl; error?: string }> {
    const url = this.options.target();
    if (!url) return { error: "no connector URL" };
    const body = { ...this.options.envelope(channel, notificationId, messages) };
    if (attempt > 1) body.kraken = { retries: attempt - 1 };
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...this.options.headers(notificationId) },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, flowControl: readFlowControl(parsed) };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }
}
