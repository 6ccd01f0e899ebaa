// Starting a fetch with the job runner replaced by a recording fake: a connector that is not
// connected starts nothing; a second click while one runs says so instead of starting another.
import { describe, expect, it } from "vitest";
import { BadRequestError } from "../../../server/errors";
import { startFetch } from "../../../server/http/fetch-triggers";
import { CREDENTIALS, fakeHull, fakeJobRunner } from "../../helpers/fakes";

const CONNECTED = {
  access_token: "token",
  intercom_workspace: { app_id: "a86dr8yl", region: "US" },
};

describe("startFetch", () => {
  it("starts one job of a kind and answers 'already running' to the next request", async () => {
    const jobs = fakeJobRunner();
    const hull = fakeHull(CONNECTED);
    const request = { kind: "fetch-users" as const, mode: "full" as const };
    const first = await startFetch({ hullAuth: hull.auth }, jobs.runner, CREDENTIALS, request);
    expect(first).toMatchObject({ started: true, message: "Fetching all Intercom users." });
    const second = await startFetch({ hullAuth: hull.auth }, jobs.runner, CREDENTIALS, request);
    expect(second.started).toBe(false);
    expect(second.message).toContain("already running");
    expect(jobs.started).toHaveLength(1);
    // The public view carries no credentials.
    expect(JSON.stringify(second.job)).not.toContain(CREDENTIALS.secret);
  });

  it.each([
    ["no token", { intercom_workspace: CONNECTED.intercom_workspace }],
    ["no workspace", { access_token: "token" }],
  ])(
    "refuses with a 409, starting nothing, when Intercom is not connected (%s)",
    async (_, settings) => {
      const jobs = fakeJobRunner();
      const failure = await startFetch(
        { hullAuth: fakeHull(settings).auth },
        jobs.runner,
        CREDENTIALS,
        {
          kind: "fetch-leads",
          mode: "incremental",
        },
      ).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(BadRequestError);
      expect(failure).toMatchObject({ status: 409 });
      expect(jobs.started).toEqual([]);
    },
  );
});
