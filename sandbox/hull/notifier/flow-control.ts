import { isRecord } from "../errors.js";

export interface FlowControl {
  type: "next" | "retry";
  size?: number;
  in?: number;
}

/** Reads `{flow_control: {type, size, in}}` from a connector's answer (hull-platform.md §2.4). */
export function readFlowControl(body: unknown): FlowControl | undefined {
  if (!isRecord(body) || !isRecord(body.flow_control)) return undefined;
  const raw = body.flow_control;
  if (raw.type !== "next" && raw.type !== "retry") return undefined;
  const positive = (value: unknown) =>
    typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
  const size = positive(raw.size);
  return {
    type: raw.type,
    size: size !== undefined && size >= 1 ? Math.floor(size) : undefined,
    in: positive(raw.in),
  };
}

/** What the notifier does after an answer: resend the same batch or move on. */
export function decideAfterAnswer(
  status: number | undefined,
  flowControl: FlowControl | undefined,
): "retry" | "next" | "give-up" {
  if (status === undefined || status >= 500) return "retry"; // timeout, connection error, 5xx
  if (status >= 400) return "give-up";
  return flowControl?.type === "retry" ? "retry" : "next";
}
