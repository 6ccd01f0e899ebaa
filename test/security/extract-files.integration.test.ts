// Personal data does not outlive its job (issue 22, finding 3): a downloaded extract lives under
// DATA_DIR/extracts/<pid>/, is removed when the job ends, and what a process killed with SIGKILL
// left behind is swept when the next one starts, before it resumes the job.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHullSandbox, type HullSandbox } from "../../sandbox/hull/index";
import { startIntercomSandbox, type IntercomSandbox } from "../../sandbox/intercom/index";
import { connectThroughOAuth } from "../../sandbox/scenarios/connect-through-oauth";
import { createExtractFiles } from "../../server/outgoing/hull-input/extract-files";
import {
  standInEnv,
  startConnectorProcess,
  type ConnectorProcess,
} from "../helpers/connector-process";

let intercom: IntercomSandbox;
let hull: HullSandbox;
let dataDir: string;
const processes: ConnectorProcess[] = [];
const json = { "content-type": "application/json" };
const post = (url: string, body: unknown = {}) =>
  fetch(url, { method: "POST", headers: json, body: JSON.stringify(body) });

/** Every file under DATA_DIR/extracts, as paths relative to it. */
function extractFiles(): string[] {
  const root = join(dataDir, "extracts");
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1));
}

async function startConnector(): Promise<ConnectorProcess> {
  const connector = await startConnectorProcess({
    SECRET: "extract-files-secret-0123456789",
    ...standInEnv(intercom, hull),
    DATA_DIR: dataDir,
  });
  processes.push(connector);
  hull.setConnectorUrl(connector.url);
  intercom.setWebhookUrl(`${connector.url}/intercom`);
  return connector;
}

beforeAll(async () => {
  intercom = await startIntercomSandbox();
  hull = await startHullSandbox({ notifyDelayMs: 50 });
  dataDir = mkdtempSync(join(tmpdir(), "extract-files-"));
  const first = await startConnector();
  const credentials = new URLSearchParams({
    ship: hull.connector.id,
    organization: hull.organization,
    secret: hull.connector.secret,
  });
  await connectThroughOAuth(`${first.url}/auth?${credentials}`);
}, 60_000);

afterAll(async () => {
  await Promise.all(processes.map((connector) => connector.kill()));
  await Promise.all([hull?.close(), intercom?.close()]);
});

describe("an extract whose process is killed mid-job", () => {
  it("leaves no extract file once the next process has resumed and finished the job", async () => {
    const emails = Array.from({ length: 300 }, (_, index) => `kept-${index}@example.com`);
    await post(
      `${hull.url}/_sandbox/users`,
      emails.map((email) => ({ claims: { email }, attributes: { wave: "kept" } })),
    );
    const segment = (
      (await (
        await post(`${hull.url}/_sandbox/segments`, { name: "Kept", query: { wave: "kept" } })
      ).json()) as { id: string }
    ).id;
    // Intercom slow enough that the job is still sending when the process is killed.
    await post(`${intercom.url}/_sandbox/faults`, { delay_ms: 200, share: 1, path: "/contacts" });
    const doomed = processes.at(-1)!;
    await post(`${hull.url}/_sandbox/notify`, { segment_id: segment, extract: true });
    const sent = async () => {
      const { contacts } = (await (await fetch(`${intercom.url}/_sandbox/contacts`)).json()) as {
        contacts: { email: string }[];
      };
      return contacts.filter((contact) => contact.email.startsWith("kept-")).length;
    };
    await expect.poll(sent, { timeout: 30_000, interval: 100 }).toBeGreaterThanOrEqual(20);
    // The download is where it belongs, in the process's own folder under DATA_DIR.
    expect(extractFiles()).toEqual([
      expect.stringMatching(new RegExp(`^${doomed.pid}/.+\\.json$`)),
    ]);

    await doomed.kill();
    expect(extractFiles()).toHaveLength(1); // a killed process cannot clean up after itself
    await post(`${intercom.url}/_sandbox/faults`, {});
    await startConnector();
    await expect.poll(sent, { timeout: 60_000, interval: 250 }).toBe(emails.length);
    await expect.poll(extractFiles, { timeout: 30_000, interval: 100 }).toEqual([]);
    expect(existsSync(join(dataDir, "extracts", String(doomed.pid)))).toBe(false);
  }, 120_000);
});

describe("createExtractFiles(dataDir, pid).sweep()", () => {
  it("removes the folders of processes that are gone and keeps those of live ones", async () => {
    const root = mkdtempSync(join(tmpdir(), "extract-sweep-"));
    const live = createExtractFiles(root, process.ppid); // the parent runs, whoever it is
    const gone = createExtractFiles(root, 2 ** 22 + 1); // above Linux's pid_max: never alive
    const mine = createExtractFiles(root, process.pid);
    for (const files of [live, gone, mine]) writeFileSync(await files.fileFor("job-1"), "{}\n");
    const restarted = createExtractFiles(root, process.pid);
    expect(await restarted.sweep()).toBe(2);
    expect(readdirSync(join(root, "extracts"))).toEqual([String(process.ppid)]);
  });
});
