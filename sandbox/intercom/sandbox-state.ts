import { unixSeconds, type Clock } from "./clock.js";
import { FaultInjector } from "./fault-injector.js";
import { OAuthGrants } from "./oauth-grants.js";
import { createRandom } from "./random.js";
import { RateLimiter } from "./rate-limiter.js";
import { buildEnvelope } from "./webhooks/envelope.js";
import { WebhookSender, type AttemptStatus } from "./webhooks/webhook-sender.js";
import { Workspace } from "./workspace.js";

/** Timezones of the workspaces the stand-in plays, one per region (as /me's example shows for US). */
export const regionTimezones = {
  US: "America/Los_Angeles",
  EU: "Europe/Dublin",
  AU: "Australia/Sydney",
} as const;

export interface ResolvedOptions {
  clientId: string;
  clientSecret: string;
  appId: string;
  region: "US" | "EU" | "AU";
  /** The workspace's timezone (IANA); date searches cut days there. Default: by region. */
  timezone?: string;
  perMinute: number;
  searchLagMs: number;
  webhookUrl?: string;
  uninstallUrl?: string;
  webhookRetryDelayMs: number;
  webhookTimeoutMs: number;
  seed: number;
  now: Clock;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
  time: string;
}

/** Everything one running stand-in holds; `reset()` empties it back to a fresh workspace. */
export class SandboxState {
  workspace!: Workspace;
  readonly grants: OAuthGrants;
  readonly limiter: RateLimiter;
  readonly faults: FaultInjector;
  readonly sender: WebhookSender;
  readonly requests: LoggedRequest[] = [];
  searchLagMs: number;
  /** The workspace's timezone (IANA name), reported by /me and used by date searches. */
  timezone!: string;
  /**
   * How far `POST /_sandbox/clock {advance_ms}` moved the whole stand-in ahead (rate windows, fault
   * durations, OAuth expiry, timestamps): a long outage passes without waiting. Never goes back;
   * kept across reset.
   */
  advancedMs = 0;
  /**
   * Where `POST /_sandbox/clock {now}` put the workspace's own time (contacts' created_at and
   * updated_at, search lag), relative to the clock; rate windows and OAuth expiry keep the clock,
   * so a test can place updates either side of a midnight without upsetting them. Zero at reset.
   */
  clockOffsetMs = 0;

  constructor(readonly options: ResolvedOptions) {
    const clock = () => this.clock();
    this.grants = new OAuthGrants(clock);
    this.limiter = new RateLimiter(options.perMinute, clock);
    this.faults = new FaultInjector(createRandom(options.seed ^ 0x5eed), clock);
    this.searchLagMs = options.searchLagMs;
    this.sender = new WebhookSender({
      url: options.webhookUrl,
      clientSecret: options.clientSecret,
      retryDelayMs: options.webhookRetryDelayMs,
      timeoutMs: options.webhookTimeoutMs,
    });
    this.reset();
  }

  reset(): void {
    this.workspace = new Workspace(
      this.options.appId,
      this.options.seed,
      () => this.now(),
      (topic, item) => {
        void this.notify(topic, item);
      },
    );
    this.grants.clear();
    this.limiter.setPerMinute(this.options.perMinute);
    this.faults.configure({});
    this.searchLagMs = this.options.searchLagMs;
    this.timezone = this.options.timezone ?? regionTimezones[this.options.region];
    this.clockOffsetMs = 0;
    this.requests.length = 0;
    this.sender.clear();
  }

  /** The stand-in's clock (ms): the injected one, moved forward by `{advance_ms}`. */
  clock(): number {
    return this.options.now() + this.advancedMs;
  }

  /** The workspace's time (ms): the clock plus the offset a test set with `{now}`. */
  now(): number {
    return this.clock() + this.clockOffsetMs;
  }

  /** Sends a notification when a webhook URL is set; resolves with the first attempt's status. */
  notify(topic: string, item: unknown): Promise<{ status: AttemptStatus; id: string | null }> {
    const envelope = buildEnvelope(this.options.appId, topic, item, unixSeconds(this.now()));
    if (!this.sender.currentUrl()) return Promise.resolve({ status: "no_url", id: envelope.id });
    return this.sender.send(envelope).then((status) => ({ status, id: envelope.id }));
  }

  logRequest(entry: LoggedRequest): void {
    this.requests.push(entry);
    if (this.requests.length > 100_000) this.requests.shift();
  }
}
