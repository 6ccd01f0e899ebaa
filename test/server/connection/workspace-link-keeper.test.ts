// The registry's workspace → connector links follow Hull's settings (docs/adr/030): a link lost
// with Redis's data or DATA_DIR returns on Hull's next call, and only for a connector Hull still
// says is connected.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createActivityLog } from "../../../server/activity";
import type { HullConnector } from "../../../server/clients/hull/types";
import {
  createWorkspaceLinkKeeper,
  keepingWorkspaceLinks,
} from "../../../server/connection/workspace-link-keeper";
import type { IntercomConnections } from "../../../server/clients/intercom/connections";
import { TokenRevokedError } from "../../../server/clients/intercom/errors";
import { disconnectWorkspace } from "../../../server/connection/disconnect-workspace";
import { RedisUnavailableError } from "../../../server/errors";
import { createLogger } from "../../../server/log";
import { createFileRegistry, type WorkspaceRegistry } from "../../../server/registry";
import { connectionSettings, type ConnectedWorkspace } from "../../../server/settings";
import { CREDENTIALS, fakeHull } from "../../helpers/fakes";

const WORKSPACE: ConnectedWorkspace = { app_id: "abc123", name: "Acme", region: "US" };
const connectedSettings = connectionSettings("intercom-token", WORKSPACE).private_settings;

let dir: string;
let registry: WorkspaceRegistry;
let lines: Record<string, unknown>[];
/** What Intercom's GET /me answers for each token: a workspace's app id, or the token refused. */
let tokenWorkspaces: Record<string, string | "revoked">;
let meCalls: string[];
const intercom = {
  forToken: (token: string) => ({
    async me() {
      meCalls.push(token);
      const workspace = tokenWorkspaces[token];
      if (workspace === "revoked") throw new TokenRevokedError();
      return { type: "admin", id: "1", app: { id_code: workspace } };
    },
  }),
} as unknown as IntercomConnections;

function setUp(hull = fakeHull(connectedSettings), options = {}) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const activity = createActivityLog();
  const keeper = createWorkspaceLinkKeeper(
    {
      registry,
      hullClient: () => hull.client,
      intercom,
      logger: createLogger("debug", sink),
      activity,
    },
    options,
  );
  return { hull, keeper, activity };
}

const connector = (privateSettings: Record<string, unknown>): HullConnector => ({
  id: CREDENTIALS.id,
  settings: {},
  private_settings: privateSettings,
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "link-keeper-"));
  registry = createFileRegistry(dir, "a-long-enough-secret");
  lines = [];
  tokenWorkspaces = { "intercom-token": WORKSPACE.app_id };
  meCalls = [];
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("createWorkspaceLinkKeeper", () => {
  it("restores a connected connector's missing link, says so at warn and in the activity log", async () => {
    const { keeper, hull, activity } = setUp();
    expect(await registry.connectorsFor(WORKSPACE.app_id)).toEqual([]);

    expect(await keeper.keep(CREDENTIALS, hull.connector)).toBe("restored");

    expect(await registry.connectorsFor(WORKSPACE.app_id)).toEqual([CREDENTIALS]);
    expect(await registry.findConnector(CREDENTIALS.id)).toEqual(CREDENTIALS);
    const warned = lines.filter((line) => line.level === 40);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ connector: CREDENTIALS.id, workspace: WORKSPACE.app_id });
    expect(JSON.stringify(lines)).not.toContain(CREDENTIALS.secret);
    const { entries } = await activity.page(CREDENTIALS.id, {});
    expect(entries).toEqual([
      expect.objectContaining({
        kind: "connection",
        message: expect.stringContaining("abc123"),
        hint: expect.stringContaining("Fetch all users"),
      }),
    ]);
  });

  it("links nothing when Intercom says the token belongs to another workspace than the settings name", async () => {
    // Anyone administering a Hull organization can write its private_settings: naming another
    // customer's workspace there must not route that customer's webhooks to this organization.
    tokenWorkspaces = { "intercom-token": "the-organizations-own-workspace" };
    const { keeper, hull } = setUp();

    expect(await keeper.keep(CREDENTIALS, hull.connector)).toBe("refused");
    expect(await registry.connectorsFor(WORKSPACE.app_id)).toEqual([]);
    expect(await registry.findConnector(CREDENTIALS.id)).toBeUndefined();
    expect(lines.filter((line) => line.level === 40)).toEqual([
      expect.objectContaining({
        workspace: WORKSPACE.app_id,
        token_workspace: "the-organizations-own-workspace",
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain("intercom-token");
    // Not asked again on every call: the refusal holds for the period.
    expect(await keeper.keep(CREDENTIALS, hull.connector)).toBe("recent");
    expect(meCalls).toHaveLength(1);
  });

  it("links nothing when Intercom refuses the token", async () => {
    tokenWorkspaces = { "intercom-token": "revoked" };
    const { keeper, hull } = setUp();

    expect(await keeper.keep(CREDENTIALS, hull.connector)).toBe("refused");
    expect(await registry.findConnector(CREDENTIALS.id)).toBeUndefined();
  });

  it("leaves a link that is there alone", async () => {
    await registry.register(WORKSPACE.app_id, CREDENTIALS);
    const { keeper, hull } = setUp();
    hull.refuse = new Error("the keeper must not ask Hull again when the link is there");

    expect(await keeper.keep(CREDENTIALS, connector(connectedSettings))).toBe("linked");
    expect(lines.filter((line) => (line.level as number) >= 40)).toEqual([]);
    expect(meCalls).toEqual([]);
  });

  it("links again a connector whose secret changed since its link was written", async () => {
    await registry.register(WORKSPACE.app_id, { ...CREDENTIALS, secret: "the-old-secret" });
    const { keeper, hull } = setUp();

    expect(await keeper.keep(CREDENTIALS, hull.connector)).toBe("restored");
    expect(await registry.connectorsFor(WORKSPACE.app_id)).toEqual([CREDENTIALS]);
  });

  it("links nothing for a connector that is not connected", async () => {
    const { keeper } = setUp(fakeHull({}));

    expect(await keeper.keep(CREDENTIALS, connector({}))).toBe("not-connected");
    expect(await registry.findConnector(CREDENTIALS.id)).toBeUndefined();
  });

  it("links nothing when Hull's fresh copy says the connector was disconnected since", async () => {
    // The caller's copy comes from the authenticator's cache and may predate a disconnect.
    const { keeper } = setUp(fakeHull({ access_token: null, intercom_workspace: null }));

    expect(await keeper.keep(CREDENTIALS, connector(connectedSettings))).toBe("not-connected");
    expect(await registry.findConnector(CREDENTIALS.id)).toBeUndefined();
  });

  it("links the workspace Hull's fresh copy names when it moved since the caller's copy", async () => {
    const moved = connectionSettings("moved-token", { ...WORKSPACE, app_id: "xyz789" });
    tokenWorkspaces["moved-token"] = "xyz789";
    const { keeper } = setUp(fakeHull(moved.private_settings));

    expect(await keeper.keep(CREDENTIALS, connector(connectedSettings))).toBe("restored");
    expect(await registry.connectorsFor("xyz789")).toEqual([CREDENTIALS]);
    expect(await registry.connectorsFor(WORKSPACE.app_id)).toEqual([]);
  });

  it("leaves no link behind a disconnect that finishes while Intercom confirms the token", async () => {
    // The dashboard's disconnect authenticates through the keeper, which restores the missing
    // link in the background while the disconnect runs: the disconnect's unregister can land
    // before the keeper's register, leaving a disconnected connector linked (found in review).
    const hull = fakeHull(connectedSettings);
    let asked = false;
    let answerMe!: () => void;
    const meAnswered = new Promise<void>((resolve) => (answerMe = resolve));
    const slowIntercom = {
      forToken: (token: string) => ({
        async me() {
          asked = true;
          await meAnswered;
          return intercom.forToken(token).me();
        },
      }),
    } as unknown as IntercomConnections;
    const racing = createWorkspaceLinkKeeper({
      registry,
      hullClient: () => hull.client,
      intercom: slowIntercom,
      logger: createLogger("silent"),
    });
    const kept = racing.keep(CREDENTIALS, hull.connector);
    await expect.poll(() => asked).toBe(true); // the keeper waits on /me
    await disconnectWorkspace(
      {
        registry,
        hullClient: () => hull.client,
        intercom,
        logger: createLogger("silent"),
      } as never,
      CREDENTIALS,
      { revoke: false },
    );
    answerMe();
    await kept;

    expect(await registry.connectorsFor(WORKSPACE.app_id)).toEqual([]);
    expect(await registry.findConnector(CREDENTIALS.id)).toBeUndefined();
  });

  it("checks a connector once per period, and again after recheck()", async () => {
    const { keeper, hull } = setUp();
    expect(await keeper.keep(CREDENTIALS, hull.connector)).toBe("restored");
    await registry.unregister(WORKSPACE.app_id, CREDENTIALS.id);

    expect(await keeper.keep(CREDENTIALS, hull.connector)).toBe("recent");
    expect(await registry.findConnector(CREDENTIALS.id)).toBeUndefined();

    keeper.recheck();
    expect(await keeper.keep(CREDENTIALS, hull.connector)).toBe("restored");
    expect(await registry.findConnector(CREDENTIALS.id)).toEqual(CREDENTIALS);
  });

  it("checks concurrent calls of one connector once", async () => {
    const { keeper, hull } = setUp();
    const found = await Promise.all([
      keeper.keep(CREDENTIALS, hull.connector),
      keeper.keep(CREDENTIALS, hull.connector),
    ]);
    expect(found.sort()).toEqual(["recent", "restored"]);
    expect(lines.filter((line) => line.level === 40)).toHaveLength(1);
  });

  it("never rejects: a registry that fails is logged, and the next call tries again", async () => {
    const failing: WorkspaceRegistry = {
      ...registry,
      connectorsFor: async () => {
        throw new Error("disk full");
      },
    };
    const working = registry;
    registry = failing;
    const { keeper, hull } = setUp();

    expect(await keeper.keep(CREDENTIALS, hull.connector)).toBe("failed");
    expect(lines.filter((line) => line.level === 40)).toEqual([
      expect.objectContaining({ connector: CREDENTIALS.id, err: expect.anything() }),
    ]);
    // While Redis is known away the failure is routine (ADR 029): debug, not warn.
    failing.connectorsFor = async () => {
      throw new RedisUnavailableError(new Error("stalled"));
    };
    expect(await keeper.keep(CREDENTIALS, hull.connector)).toBe("failed");
    expect(lines.filter((line) => line.level === 40)).toHaveLength(1);

    failing.connectorsFor = working.connectorsFor;
    expect(await keeper.keep(CREDENTIALS, hull.connector)).toBe("restored");
  });
});

describe("keepingWorkspaceLinks", () => {
  it("answers with the authenticator's connector and restores its link behind the answer", async () => {
    const { keeper, hull } = setUp();
    const auth = keepingWorkspaceLinks(hull.auth, keeper);

    expect(await auth.authenticate(CREDENTIALS)).toBe(hull.connector);
    await expect
      .poll(() => registry.findConnector(CREDENTIALS.id), { timeout: 30_000 })
      .toEqual(CREDENTIALS);
  });

  it("does not check what Hull refused", async () => {
    const { keeper, hull } = setUp();
    hull.refuse = new Error("refused");
    const auth = keepingWorkspaceLinks(hull.auth, keeper);

    await expect(auth.authenticate(CREDENTIALS)).rejects.toThrow("refused");
    hull.refuse = undefined;
    expect(await keeper.keep(CREDENTIALS, hull.connector)).toBe("restored");
  });
});
