import type { UserRecord } from "../store/user-record.js";
import { reportKey } from "../store/user-report.js";

/** A leaf `{id, text, type}`, or a group `{text, children}` (minihull src/router.js). */
export type TreeNode = TreeLeaf | TreeGroup;
export interface TreeLeaf {
  id: string;
  text: string;
  type: string;
}
export interface TreeGroup {
  text: string;
  children: TreeLeaf[];
}

const BUILT_IN: TreeLeaf[] = [
  { id: "id", text: "id", type: "string" },
  { id: "email", text: "email", type: "string" },
  { id: "external_id", text: "external_id", type: "string" },
  { id: "anonymous_ids", text: "anonymous_ids", type: "array" },
  { id: "name", text: "name", type: "string" },
  { id: "first_name", text: "first_name", type: "string" },
  { id: "last_name", text: "last_name", type: "string" },
  { id: "created_at", text: "created_at", type: "date" },
];

/** Hull types an attribute by its first value; `_at`/`_date` names are dates (hull-platform.md §2.8). */
export function attributeType(name: string, value: unknown): string {
  if (/(_at|_date)$/.test(name)) return "date";
  if (Array.isArray(value)) return "array";
  if (value === null) return "string";
  return typeof value === "object" ? "json" : typeof value;
}

/**
 * The attribute tree of `GET /api/v1/search/user_reports/bootstrap`: built-in attributes, custom
 * top-level ones (`traits_plan`), and groups (`intercom`) whose children are `traits_intercom/email`.
 * Leaves carry `id`, never `key`, and groups no name of their own, as minihull's tree does.
 */
export function buildAttributeTree(users: UserRecord[]): TreeNode[] {
  const seen = new Map<string, unknown>();
  for (const user of users) {
    for (const [name, value] of Object.entries(user.attributes))
      if (!seen.has(name)) seen.set(name, value);
  }
  const tree: TreeNode[] = [...BUILT_IN];
  const known = new Set(BUILT_IN.map((node) => node.id));
  const groups = new Map<string, TreeGroup>();
  for (const name of [...seen.keys()].sort()) {
    const node = { id: reportKey(name), text: name, type: attributeType(name, seen.get(name)) };
    if (known.has(node.id)) continue;
    const slash = name.indexOf("/");
    if (slash < 0) {
      tree.push(node);
      continue;
    }
    const groupName = name.slice(0, slash);
    let group = groups.get(groupName);
    if (!group) {
      group = { text: groupName, children: [] };
      groups.set(groupName, group);
      tree.push(group);
    }
    group.children.push(node);
  }
  return tree;
}
