import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type Stack } from "../helpers/stack";
import { startRecordingServer, type RecordingServer } from "./helpers/recording-server";

let stack: Stack;
let internal: RecordingServer;
beforeAll(async () => {
  stack = await startTestStack();
  await connectThroughOAuth(`${stack.urls.connector}/auth?${stack.credentialsQuery}`);
  internal = await startRecordingServer("127.0.0.3", 0);
});
afterAll(async () => {
  await internal.close();
  await stack.close();
});

it.each(["a..hullapp.io", "-.hullapp.io", "x-.hullapp.io"])(
  "answers 401, not 5xx, to the malformed organization %s",
  async (organization) => {
    const q = new URLSearchParams({ ship: "a".repeat(24), organization, secret: "x" });
    const r = await fetch(`${stack.urls.connector}/status?${q}`);
    expect(r.status).toBe(401);
  },
);

it("/batch never downloads an extract from a host that is not Hull's", async () => {
  const r = await fetch(`${stack.urls.connector}/batch?${stack.credentialsQuery}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: `${internal.url}/internal-admin` }),
  });
  console.log(r.status, await r.text());
  expect(internal.requests).toEqual([]);
});
