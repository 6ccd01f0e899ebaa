import { isRecord } from "../errors.js";

/** Hull's attribute operations (hull-platform.md §2.8). */
export const OPERATIONS = ["set", "setIfNull", "inc", "dec"] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface AttributeWrite {
  operation: Operation;
  value: unknown;
}

/** `{operation, value}` objects are operations; any other value means `set`. */
export function parseAttributeWrite(raw: unknown): AttributeWrite | string {
  if (isRecord(raw) && "operation" in raw) {
    const operation = raw.operation;
    if (!OPERATIONS.includes(operation as Operation)) {
      return `unknown operation ${JSON.stringify(operation)} (use set, setIfNull, inc or dec)`;
    }
    if ((operation === "inc" || operation === "dec") && typeof raw.value !== "number") {
      return `${operation} needs a numeric value`;
    }
    return { operation: operation as Operation, value: raw.value };
  }
  return { operation: "set", value: raw };
}

/** The value after applying a write to the current value (`undefined` = no value). */
export function applyAttributeWrite(current: unknown, write: AttributeWrite): unknown {
  switch (write.operation) {
    case "set":
      return write.value;
    case "setIfNull":
      return current === undefined || current === null ? write.value : current;
    case "inc":
    case "dec": {
      const base = typeof current === "number" ? current : 0;
      const delta = write.value as number;
      return write.operation === "inc" ? base + delta : base - delta;
    }
  }
}
