import type { Clock } from "./clock.js";
import { parameterInvalid } from "./errors.js";

/** A rule set by POST /_sandbox/faults. */
export interface FaultRule {
  status?: number;
  share: number;
  path?: string;
  delay_ms?: number;
  drop?: boolean;
  count?: number;
  /** The rule holds this long on the stand-in's clock (POST /_sandbox/clock moves it). */
  duration_ms?: number;
  /** Matching requests let through before the rule starts (e.g. fail a scroll's 2nd page). */
  skip?: number;
  /**
   * Serve the request, then answer 200 with the JSON body `null`: what a `nullable: true` response
   * schema allows (company_scroll, official description ~l.16329).
   */
  null_body?: boolean;
}

export type FaultAction =
  | { kind: "none" }
  | { kind: "status"; status: number; delayMs: number }
  | { kind: "delay"; delayMs: number }
  | { kind: "drop"; delayMs: number }
  | { kind: "null"; delayMs: number };

/** Decides, per REST request, whether to fail it; sampling is seeded so runs repeat. */
export class FaultInjector {
  private rule: FaultRule | undefined;
  private remaining = Infinity;
  private until = Infinity;
  private skipping = 0;

  constructor(
    private readonly random: () => number,
    private readonly clock: Clock,
  ) {}

  /** Validates and installs a rule; `{}` clears. */
  configure(body: unknown): FaultRule | undefined {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
      throw parameterInvalid("faults body must be an object");
    }
    const input = body as Record<string, unknown>;
    if (Object.keys(input).length === 0) {
      this.rule = undefined;
      return undefined;
    }
    const known = [
      "status",
      "share",
      "path",
      "delay_ms",
      "drop",
      "count",
      "duration_ms",
      "skip",
      "null_body",
    ];
    const unknown = Object.keys(input).filter((key) => !known.includes(key));
    if (unknown.length > 0)
      throw parameterInvalid(`unknown fault option(s): ${unknown.join(", ")}`);
    const { status, share, path, delay_ms: delayMs, drop, count, duration_ms: duration } = input;
    const { skip, null_body: nullBody } = input;
    if (typeof share !== "number" || share < 0 || share > 1)
      throw parameterInvalid("share must be a number from 0 to 1");
    if (
      status !== undefined &&
      (!Number.isInteger(status) || (status as number) < 400 || (status as number) > 599)
    ) {
      throw parameterInvalid("status must be an HTTP error status (400-599)");
    }
    if (path !== undefined && (typeof path !== "string" || !path.startsWith("/"))) {
      throw parameterInvalid("path must be a string starting with /");
    }
    if (delayMs !== undefined && (!Number.isInteger(delayMs) || (delayMs as number) < 0)) {
      throw parameterInvalid("delay_ms must be a non-negative integer");
    }
    if (drop !== undefined && typeof drop !== "boolean")
      throw parameterInvalid("drop must be a boolean");
    if (count !== undefined && (!Number.isInteger(count) || (count as number) < 1)) {
      throw parameterInvalid("count must be a positive integer");
    }
    if (duration !== undefined && (!Number.isInteger(duration) || (duration as number) < 1)) {
      throw parameterInvalid("duration_ms must be a positive integer");
    }
    if (skip !== undefined && (!Number.isInteger(skip) || (skip as number) < 0)) {
      throw parameterInvalid("skip must be a non-negative integer");
    }
    if (nullBody !== undefined && typeof nullBody !== "boolean")
      throw parameterInvalid("null_body must be a boolean");
    if (status === undefined && delayMs === undefined && !drop && !nullBody) {
      throw parameterInvalid("a fault needs status, delay_ms, drop or null_body");
    }
    if ([status !== undefined, drop === true, nullBody === true].filter(Boolean).length > 1)
      throw parameterInvalid("give at most one of status, drop and null_body");
    this.rule = input as unknown as FaultRule;
    this.remaining = (count as number | undefined) ?? Infinity;
    this.until = duration === undefined ? Infinity : this.clock() + (duration as number);
    this.skipping = (skip as number | undefined) ?? 0;
    return this.rule;
  }

  /**
   * `path` in a rule matches the request path as a prefix (e.g. "/contacts"); the first `skip`
   * matching requests pass untouched; `count` and `duration_ms` end the rule, whichever comes
   * first. An injected 429 keeps the rate window's own headers (budget left), as a limit other
   * than the app's window would answer.
   */
  decide(path: string): FaultAction {
    const rule = this.rule;
    if (!rule || this.remaining <= 0 || this.clock() >= this.until) return { kind: "none" };
    if (rule.path && !path.startsWith(rule.path)) return { kind: "none" };
    if (this.skipping > 0) {
      this.skipping--;
      return { kind: "none" };
    }
    if (this.random() >= rule.share) return { kind: "none" };
    this.remaining--;
    const delayMs = rule.delay_ms ?? 0;
    if (rule.drop) return { kind: "drop", delayMs };
    if (rule.null_body) return { kind: "null", delayMs };
    if (rule.status) return { kind: "status", status: rule.status, delayMs };
    return { kind: "delay", delayMs };
  }
}
