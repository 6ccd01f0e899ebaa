// Every parser at the edge, fed anything: it answers or refuses, and never crashes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { credentialsFromQuery } from "../../server/clients/hull/authenticate";
import { createTokenIssuer } from "../../server/clients/hull/tokens";
import { UnauthorizedError } from "../../server/errors";
import { toIsoDate, toUnixSeconds } from "../../server/incoming/mapping/timestamps";
import { parseNotification } from "../../server/incoming/webhook/parse-notification";
import { verifySignature } from "../../server/incoming/webhook/verify-signature";
import { readSettings, settingsUpdateSchema } from "../../server/settings";

const anything = fc.anything({ withNullPrototype: true, withBigInt: true, withDate: true });
const issuer = createTokenIssuer("a-secret-of-at-least-16-characters");

describe("the dashboard's settings update schema", () => {
  it("accepts or refuses any value without throwing, and keeps only known keys", () => {
    fc.assert(
      fc.property(anything, (value) => {
        const parsed = settingsUpdateSchema.safeParse(value);
        if (parsed.success) {
          for (const key of Object.keys(parsed.data))
            expect(["private_settings", "settings"]).toContain(key);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("accepts or refuses any object shaped like settings without throwing", () => {
    const settingsLike = fc.record({
      private_settings: fc.dictionary(
        fc.constantFrom(
          "synchronized_segments",
          "sync_fields_to_intercom",
          "sync_fields_to_hull",
          "send_events",
          "create_missing_attributes",
          "ignore_deleted_users",
          "access_token",
        ),
        anything,
      ),
    });
    fc.assert(
      fc.property(settingsLike, (value) => {
        const parsed = settingsUpdateSchema.safeParse(value);
        // The token is never something a dashboard can write.
        if (parsed.success) expect(parsed.data.private_settings).not.toHaveProperty("access_token");
      }),
      { numRuns: 500 },
    );
  });
});

describe("stored settings read by every flow", () => {
  it("reads any private_settings leniently, never throwing", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), anything), (privateSettings) => {
        const settings = readSettings({ private_settings: privateSettings });
        expect(Array.isArray(settings.synchronizedSegments)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("reading a connector-minted token", () => {
  it("refuses any string that it did not mint, with UnauthorizedError only", () => {
    const tokenLike = fc.oneof(
      fc.string(),
      fc
        .tuple(fc.base64String(), fc.base64String(), fc.base64String())
        .map((parts) => parts.join(".")),
      fc
        .string()
        .map((payload) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(payload).toString("base64url")}.x`),
    );
    fc.assert(
      fc.property(
        tokenLike,
        fc.constantFrom("dashboard", "oauth-state") as fc.Arbitrary<"dashboard">,
        (token, purpose) => {
          expect(() => issuer.read(token, purpose)).toThrow(UnauthorizedError);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("Hull's query credentials", () => {
  it("reads any query without throwing: three strings or nothing", () => {
    const query = fc.dictionary(
      fc.oneof(fc.constantFrom("ship", "id", "organization", "secret"), fc.string()),
      fc.oneof(fc.string(), fc.array(fc.string()), anything),
    );
    fc.assert(
      fc.property(query, (value) => {
        const credentials = credentialsFromQuery(value);
        if (credentials) {
          for (const part of [credentials.id, credentials.organization, credentials.secret]) {
            expect(typeof part).toBe("string");
            expect(part.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("timestamps from Intercom and from query bounds", () => {
  it("turns any value into a valid ISO date or nothing, never throwing", () => {
    const dateLike = fc.oneof(
      anything,
      fc.double(),
      fc.integer(),
      fc.string(),
      fc.stringMatching(/^-?\d{1,25}(\.\d{0,5})?$/),
      fc.date({ noInvalidDate: false }).map((date) => String(date)),
    );
    fc.assert(
      fc.property(dateLike, (value) => {
        const iso = toIsoDate(value);
        if (iso !== undefined) expect(new Date(iso).toISOString()).toBe(iso);
        const seconds = toUnixSeconds(value);
        if (seconds !== undefined) expect(Number.isSafeInteger(seconds)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("the webhook envelope and signature", () => {
  it("parses any JSON value into a notification or a problem, never throwing", () => {
    const envelopeLike = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          app_id: fc.oneof(fc.string(), fc.jsonValue()),
          topic: fc.oneof(fc.string(), fc.jsonValue()),
          id: fc.oneof(fc.string(), fc.jsonValue()),
          created_at: fc.oneof(fc.integer(), fc.string(), fc.jsonValue()),
          data: fc.oneof(fc.record({ item: fc.jsonValue() }), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(envelopeLike, (body) => {
        const parsed = parseNotification(body);
        if ("notification" in parsed) {
          expect(typeof parsed.notification.app_id).toBe("string");
          expect(typeof parsed.notification.data.item).toBe("object");
        } else expect(parsed.problem).toMatch(/^Not an Intercom notification/);
      }),
      { numRuns: 1000 },
    );
  });

  it("answers any JSON body as the envelope's zod schema alone does (the direct check is no looser)", () => {
    // The schema as it stands in parse-notification.ts, applied the way it applies it.
    const schema = z.object({
      app_id: z.string().min(1).max(100),
      topic: z.string().min(1).max(200),
      id: z.string().max(200).nullish(),
      created_at: z.union([z.number(), z.string()]).nullish(),
      data: z.object({ item: z.record(z.string(), z.unknown()) }).nullish(),
    });
    const text = (max: number) =>
      fc.oneof(
        fc.string({ maxLength: max + 2 }),
        fc.string({ unit: "grapheme", minLength: max - 2, maxLength: max + 2 }),
        fc.constantFrom("", "a".repeat(max), "a".repeat(max + 1), "😀".repeat(max / 2 + 1)),
      );
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          app_id: fc.oneof(text(100), fc.jsonValue()),
          topic: fc.oneof(text(200), fc.jsonValue()),
          id: fc.oneof(text(200), fc.constant(null), fc.jsonValue()),
          created_at: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
          data: fc.oneof(
            fc.record({
              item: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
            }),
            fc.constant(null),
            fc.jsonValue(),
          ),
        },
        { requiredKeys: [] },
      ),
    );
    const items = [
      JSON.parse('{"__proto__": {"a": 1}, "b": 2}') as unknown,
      { type: "conversation", id: "1" },
    ];
    const check = (value: unknown) => {
      const json = JSON.parse(JSON.stringify(value) ?? "null") as unknown;
      const parsed = parseNotification(json);
      const expected = schema.safeParse(json);
      if (!expected.success) {
        const issue = expected.error.issues[0]!;
        expect(parsed).toEqual({
          problem: `Not an Intercom notification: ${issue.path.join(".") || "body"} ${issue.message}`,
        });
        return;
      }
      const { app_id, topic, id, created_at, data } = expected.data;
      expect(parsed).toEqual({
        notification: {
          app_id,
          topic,
          id: id ?? null,
          created_at: created_at ?? undefined,
          data: { item: data?.item ?? {} },
        },
      });
      if ("notification" in parsed)
        expect(Object.keys(parsed.notification.data.item)).toEqual(Object.keys(data?.item ?? {}));
    };
    fc.assert(fc.property(body, check), { numRuns: 2000 });
    for (const item of items) check({ app_id: "a", topic: "t", data: { item } });
  });

  it("refuses any header that is not the body's digest, never throwing", () => {
    fc.assert(
      fc.property(fc.uint8Array(), fc.option(fc.string(), { nil: undefined }), (body, header) => {
        expect(verifySignature(Buffer.from(body), header, "client-secret")).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
