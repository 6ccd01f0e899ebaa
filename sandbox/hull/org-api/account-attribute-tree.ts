import type { AccountRecord } from "../store/account-record.js";
import { attributeType, type TreeGroup, type TreeLeaf, type TreeNode } from "./attribute-tree.js";

const BUILT_IN: TreeLeaf[] = [
  { id: "id", text: "id", type: "string" },
  { id: "external_id", text: "external_id", type: "string" },
  { id: "domain", text: "domain", type: "string" },
  { id: "anonymous_ids", text: "anonymous_ids", type: "array" },
  { id: "name", text: "name", type: "string" },
  { id: "created_at", text: "created_at", type: "date" },
];

/**
 * The account attribute tree (`GET /api/v1/search/account_reports/bootstrap`), shaped like the
 * users one (leaves `{id, text, type}`, groups `{text, children}`), with ids as account reports
 * name them: no `traits_` prefix (hull-platform.md §2.3).
 */
export function buildAccountAttributeTree(accounts: AccountRecord[]): TreeNode[] {
  const seen = new Map<string, unknown>();
  for (const account of accounts)
    for (const [name, value] of Object.entries(account.attributes))
      if (!seen.has(name)) seen.set(name, value);
  const tree: TreeNode[] = [...BUILT_IN];
  const known = new Set(BUILT_IN.map((node) => node.id));
  const groups = new Map<string, TreeGroup>();
  for (const name of [...seen.keys()].sort()) {
    if (known.has(name)) continue;
    const node = { id: name, text: name, type: attributeType(name, seen.get(name)) };
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
