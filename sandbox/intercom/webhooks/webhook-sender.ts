import { createHmac } from "node:crypto";
import type { NotificationEnvelope } from "./envelope.js";

export type AttemptStatus = number | "timeout" | "error" | "disabled" | "no_url";

export interface Delivery {
  id: string | null;
  topic: string;
  attempts: number;
  statuses: AttemptStatus[];
  delivered: boolean;
}

export interface WebhookSenderOptions {
  url?: string;
  clientSecret: string;
  retryDelayMs: number;
  timeoutMs: number;
}

/** `sha1=` + HMAC-SHA1 of the exact body bytes, keyed with the app's client secret (§4.5). */
export function signBody(body: string, secret: string): string {
  return `sha1=${createHmac("sha1", secret).update(body, "utf8").digest("hex")}`;
}

/**
 * Delivers notifications like Intercom (intercom-api.md §4.6): 5 s timeout, one retry after a
 * delay for any failure but 410, and 410 disables the subscription until a new URL is set.
 */
export class WebhookSender {
  private url: string | undefined;
  private disabled = false;
  private timers = new Set<NodeJS.Timeout>();
  private queue: Promise<unknown> = Promise.resolve();
  readonly deliveries: Delivery[] = [];
  headStatus: AttemptStatus | undefined;

  constructor(private readonly options: WebhookSenderOptions) {
    this.url = options.url;
    if (this.url) void this.checkUrl(this.url);
  }

  /** Intercom validates a new URL with a HEAD request (§4.1); we record its answer. */
  setUrl(url: string | undefined): Promise<void> {
    this.url = url;
    this.disabled = false;
    this.headStatus = undefined;
    return url ? this.checkUrl(url) : Promise.resolve();
  }

  currentUrl(): string | undefined {
    return this.url;
  }

  private async checkUrl(url: string): Promise<void> {
    try {
      const response = await fetch(url, {
        method: "HEAD",
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      this.headStatus = response.status;
    } catch (error) {
      this.headStatus = (error as Error).name === "TimeoutError" ? "timeout" : "error";
    }
  }

  /** Queues a notification (deliveries keep their order) and resolves with the first attempt's status. */
  send(envelope: NotificationEnvelope): Promise<AttemptStatus> {
    const delivery: Delivery = {
      id: envelope.id,
      topic: envelope.topic,
      attempts: 0,
      statuses: [],
      delivered: false,
    };
    this.deliveries.push(delivery);
    if (this.deliveries.length > 10_000) this.deliveries.shift();
    const result = this.queue.then(() => this.attempt(envelope, delivery));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async attempt(
    envelope: NotificationEnvelope,
    delivery: Delivery,
  ): Promise<AttemptStatus> {
    const url = this.url;
    const status: AttemptStatus = !url
      ? "no_url"
      : this.disabled
        ? "disabled"
        : await this.post(url, envelope);
    delivery.attempts = envelope.delivery_attempts;
    delivery.statuses.push(status);
    if (typeof status === "number" && status >= 200 && status < 300) delivery.delivered = true;
    else if (status === 410) this.disabled = true;
    else if (
      (typeof status === "number" || status === "timeout" || status === "error") &&
      envelope.delivery_attempts === 1
    ) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.attempt({ ...envelope, delivery_attempts: 2 }, delivery);
      }, this.options.retryDelayMs);
      this.timers.add(timer);
    }
    return status;
  }

  private async post(url: string, envelope: NotificationEnvelope): Promise<AttemptStatus> {
    const body = JSON.stringify(envelope);
    try {
      const response = await fetch(url, {
        method: "POST",
        body,
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "User-Agent": "intercom-parrot-service-client/1.0",
          "X-Hub-Signature": signBody(body, this.options.clientSecret),
        },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.status;
    } catch (error) {
      const name = (error as Error).name;
      return name === "TimeoutError" || name === "AbortError" ? "timeout" : "error";
    }
  }

  /** Sends a caller-made envelope as is (only signed); retried like any other when it says attempt 1. */
  sendRaw(envelope: Record<string, unknown>): Promise<AttemptStatus> {
    return this.send(envelope as unknown as NotificationEnvelope);
  }

  clear(): void {
    this.deliveries.length = 0;
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
