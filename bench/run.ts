// `npm run bench [-- --quick] [--only=fetch,webhooks] [--out=path.json] [--outgoing-users=N]
// [--fetch-contacts=N] [--fetch-cap-s=S] [--webhook-count=N] [--max-load=0.5] [--ignore-load]`: runs the scenarios against the stand-ins,
// beside the vendors' SDKs where there is one (ADR 015), prints one table and writes the rows as
// JSON (DESIGN.md §8).
import { join } from "node:path";
import { describeMachine } from "./machine";
import { option, positiveOption } from "./options";
import { formatTable, writeResults, type Measurement, type Mode, type ResultRow } from "./results";
import { benchBrowser } from "./scenarios/browser";
import { benchCompanies } from "./scenarios/companies";
import { benchFetch } from "./scenarios/fetch";
import { benchOutgoing } from "./scenarios/outgoing";
import { benchWebhooks } from "./scenarios/webhooks";

const scenarios: Record<string, (mode: Mode, args: string[]) => Promise<Measurement[]>> = {
  outgoing: (mode, args) => benchOutgoing(mode, positiveOption(args, "outgoing-users")),
  fetch: benchFetch,
  webhooks: benchWebhooks,
  browser: benchBrowser,
  companies: benchCompanies,
};

async function main(args: string[]): Promise<void> {
  const mode: Mode = args.includes("--quick") ? "quick" : "full";
  const only = option(args, "only")?.split(",") ?? Object.keys(scenarios);
  const unknown = only.filter((name) => !(name in scenarios));
  if (unknown.length > 0)
    throw new Error(
      `unknown scenario ${unknown.join(", ")}; known: ${Object.keys(scenarios).join(", ")}`,
    );
  const out = option(args, "out") ?? join(import.meta.dirname, "results/latest.json");
  const machine = describeMachine();
  const rows: ResultRow[] = [];
  for (const scenario of only) {
    const started = Date.now();
    console.error(`bench: ${scenario} (${mode})…`);
    const measurements = await scenarios[scenario]!(mode, args);
    const at = new Date().toISOString();
    rows.push(
      ...measurements.map((row) => ({
        scenario,
        ...row,
        range: row.range ?? null,
        mode,
        machine,
        at,
      })),
    );
    console.error(`bench: ${scenario} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  writeResults(out, rows);
  console.log(
    `\n${machine}, ${mode} mode; "value (a–b)" is the median of the rounds (lowest–highest), ADR 015\n\n${formatTable(rows)}\n\nwritten to ${out}`,
  );
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
