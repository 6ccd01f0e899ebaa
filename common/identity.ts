/**
 * How the connector names people and attributes across Hull and Intercom: the one place for the
 * `intercom:` anonymous id and the `traits_` prefix. Shared by the server and the browser plugin.
 */

/**
 * The Hull anonymous id of an Intercom contact id or Messenger visitor id: `intercom:<id>`, the
 * form Hull's classic Intercom connector used (reference/hull-intercom-classic.md), so profiles
 * it made keep matching.
 */
export function intercomAnonymousId(id: string): string {
  return `${INTERCOM_PREFIX}${id}`;
}

const INTERCOM_PREFIX = "intercom:";

/**
 * An attribute name as Hull's flat user report spells it (`traits_plan`) → as it is written and
 * read on the user (`plan`). Hull's notifications and settings pickers carry the prefix on custom
 * traits (reference/hull-platform.md); only a leading `traits_` is removed.
 */
export function withoutTraitsPrefix(name: string): string {
  return name.startsWith(TRAITS_PREFIX) ? name.slice(TRAITS_PREFIX.length) : name;
}

const TRAITS_PREFIX = "traits_";

/**
 * A flat report (`{traits_plan: …, email: …}`) with every key through {@link withoutTraitsPrefix}.
 * Keys are Hull's input: the result has no prototype, so "__proto__" stays an ordinary key.
 */
export function withoutTraitsPrefixes<T>(values: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = Object.create(null);
  for (const [key, value] of Object.entries(values)) out[withoutTraitsPrefix(key)] = value;
  return out;
}

/**
 * An account attribute as a settings row names it (`traits_plan`, `account.plan`, `plan`) → as
 * it is written and read on the Hull account (`plan`).
 */
export function accountAttributeName(name: string): string {
  const bare = withoutTraitsPrefix(name);
  return bare.startsWith(ACCOUNT_PREFIX) ? bare.slice(ACCOUNT_PREFIX.length) : bare;
}

const ACCOUNT_PREFIX = "account.";
