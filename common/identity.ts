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
