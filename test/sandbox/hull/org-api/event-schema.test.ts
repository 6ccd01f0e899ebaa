// The events schema Hull's framework reads (`GET /api/v1/search/event/bootstrap`, EVENTS_ROUTE of
// the `hull` package in hull-connectors; entries typed HullEventSchemaEntry), served by the
// stand-in from the events it has received.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHullSandbox, type HullSandbox } from "../../../../sandbox/hull/index.js";
import { hullHeaders, sendJson } from "../helpers.js";

let hull: HullSandbox;
beforeAll(async () => {
  hull = await startHullSandbox({ connectorUrl: "http://127.0.0.1:9", notifyDelayMs: 10 });
});
afterAll(() => hull.close());

describe("GET /api/v1/search/event/bootstrap", () => {
  it("lists each event name received once, with its properties", async () => {
    await sendJson(`${hull.url}/_sandbox/users`, "POST", [
      {
        claims: { email: "ada@example.com" },
        events: [
          { event: "Viewed product", properties: { sku: "A1" } },
          { event: "Viewed product", properties: { sku: "A2", price: 3 } },
        ],
      },
      {
        claims: { email: "grace@example.com" },
        events: [{ event: "Added to cart", properties: { sku: "B2" } }],
      },
    ]);
    const response = await fetch(`${hull.url}/api/v1/search/event/bootstrap`, {
      headers: hullHeaders(hull),
    });
    expect(response.status).toBe(200);
    const schema = (await response.json()) as Record<string, unknown>[];
    expect(schema).toEqual([
      {
        name: "Added to cart",
        properties: ["sku"],
        created_at: expect.any(String),
        updated_at: expect.any(String),
        emitted: true,
      },
      expect.objectContaining({ name: "Viewed product", properties: ["price", "sku"] }),
    ]);
  });

  it("needs the connector's credentials", async () => {
    const response = await fetch(`${hull.url}/api/v1/search/event/bootstrap`, {
      headers: hullHeaders(hull, { "Hull-Access-Token": "nope" }),
    });
    expect(response.status).toBe(401);
  });
});
