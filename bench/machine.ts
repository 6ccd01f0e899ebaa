import { cpus, totalmem } from "node:os";

/** The machine a figure was measured on, e.g. "AMD EPYC 7B13 ×2, 23.4 GiB, node v20.19.0". */
export function describeMachine(): string {
  const processors = cpus();
  const model = processors[0]?.model.trim() ?? "unknown CPU";
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  return `${model} ×${processors.length}, ${gib} GiB, node ${process.version}`;
}
