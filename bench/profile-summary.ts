// `npx tsx bench/profile-summary.ts <file.cpuprofile> [top]`: the functions a V8 CPU profile spent
// most time in, by self time and by total time (self plus callees), as shares of the samples.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const [file, top = "25"] = process.argv.slice(2);
if (!file) throw new Error("usage: bench/profile-summary.ts <file.cpuprofile> [top]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id);
const selfCount = new Map<number, number>();
for (const id of profile.samples) selfCount.set(id, (selfCount.get(id) ?? 0) + 1);
const label = (node: ProfileNode) => {
  const where = node.callFrame.url.replace(/^.*\/(node_modules|server|sandbox|bench)\//, "$1/");
  return `${node.callFrame.functionName || "(anonymous)"} ${where}:${node.callFrame.lineNumber + 1}`;
};
const self = new Map<string, number>();
const total = new Map<string, number>();
for (const [id, count] of selfCount) {
  const node = byId.get(id)!;
  self.set(label(node), (self.get(label(node)) ?? 0) + count);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const name = label(byId.get(at)!);
    if (seen.has(name)) continue;
    seen.add(name);
    total.set(name, (total.get(name) ?? 0) + count);
  }
}
const all = profile.samples.length;
const show = (title: string, table: Map<string, number>) => {
  console.log(`\n${title} (${all} samples)`);
  for (const [name, count] of [...table].sort((a, b) => b[1] - a[1]).slice(0, Number(top)))
    console.log(`${((count / all) * 100).toFixed(1).padStart(5)} %  ${name}`);
};
show("self time", self);
show("total time", total);
