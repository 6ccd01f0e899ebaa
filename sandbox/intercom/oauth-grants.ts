import { randomBytes } from "node:crypto";
import type { Clock } from "./clock.js";

const CODE_LIFETIME_MS = 5 * 60_000; // "expires after about 5 minutes" (intercom-api.md §3)

interface PendingCode {
  redirectUri: string;
  expiresAt: number;
}

/** Authorization codes (single use, short-lived) and the access tokens of the workspace. */
export class OAuthGrants {
  private codes = new Map<string, PendingCode>();
  private tokens = new Set<string>();

  constructor(private readonly clock: Clock) {}

  /** Codes are base64 and so may end with "=", which clients must keep verbatim (§3). */
  issueCode(redirectUri: string): string {
    const code = randomBytes(16).toString("base64");
    this.codes.set(code, { redirectUri, expiresAt: this.clock() + CODE_LIFETIME_MS });
    return code;
  }

  /** Consumes a code; false when unknown, used already or expired. */
  redeemCode(code: string): boolean {
    const pending = this.codes.get(code);
    this.codes.delete(code);
    return pending !== undefined && pending.expiresAt > this.clock();
  }

  issueToken(): string {
    const token = `dG9rOj${randomBytes(24).toString("base64url")}`;
    this.tokens.add(token);
    return token;
  }

  isValid(token: string | undefined): boolean {
    return token !== undefined && this.tokens.has(token);
  }

  revoke(token: string): void {
    this.tokens.delete(token);
  }

  clear(): void {
    this.codes.clear();
    this.tokens.clear();
  }
}
