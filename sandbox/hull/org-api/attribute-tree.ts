import type { UserRecord } from "../store/user-record.js";
import { reportKey } from "../store/user-report.js";

export interface TreeNode {
  key: string;
  text: string;
  type: string;
  children?: TreeNode[];
}

const BUILT_IN: TreeNode[] = [
  { key: "id", text: "id", type: "string" },
  { key: "email", text: "email", type: "string" },
  { key: "external_id", text: "external_id", type: "string" },
  { key: "anonymous_ids", text: "anonymous_ids", type: "array" },
  { key: "name", text: "name", type: "string" },
  { key: "first_name", text: "first_name", type: "string" },
  { key: "last_name", text: "last_name", type: "string" },
  { key: "created_at", text: "created_at", type: "date" },
];

/** Hull types an attribute by its first value; `_at`/`_date` names are dates (hull-platform.md §2.8). */
function attributeType(name: string, value: unknown): string {
  if (/(_at|_date)$/.test(name)) return "date";
  if (Array.isArray(value)) return "array";
  if (value === null) return "string";
  return typeof value === "object" ? "json" : typeof value;
}

/**
 * The attribute tree of `GET /api/v1/search/user_reports/bootstrap`: built-in attributes, custom
 * top-level ones (`traits_plan`), and groups (`intercom`) whose children are `traits_intercom/email`.
 */
export function buildAttributeTree(users: UserRecord[]): TreeNode[] {
  const seen = new Map<string, unknown>();
  for (const user of users) {
    for (const [name, value] of Object.entries(user.attributes))
      if (!seen.has(name)) seen.set(name, value);
  }
  const tree: TreeNode[] = [...BUILT_IN];
  const known = new Set(tree.map((node) => node.key));
  const groups = new Map<string, TreeNode>();
  for (const name of [...seen.keys()].sort()) {
    const node = { key: reportKey(name), text: name, type: attributeType(name, seen.get(name)) };
    if (known.has(node.key)) continue;
    const slash = name.indexOf("/");
    if (slash < 0) {
      tree.push(node);
      continue;
    }
    const groupName = name.slice(0, slash);
    let group = groups.get(groupName);
    if (!group) {
      group = { key: `traits_${groupName}`, text: groupName, type: "group", children: [] };
      groups.set(groupName, group);
      tree.push(group);
    }
    group.children!.push(node);
  }
  return tree;
}
