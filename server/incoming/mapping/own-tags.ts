import { arrayAt, isObject, objectAt, stringAt } from "./read";

/**
 * The tag names an Intercom contact has after a notification about one of the connector's own
 * segment tags, for Hull's `intercom/tags` (issue 15 class 6: the outgoing flow reads it to tag
 * only on enter and untag only on leave). 1.x items name their tags; 2.x contacts list tag ids
 * only (at most 10, `has_more` beyond), so an id is named from the notification's own tag or from
 * `ownTagNames` (the connector's tag id → segment name). Undefined when any name is unknown or
 * the list is cut: then Hull's value is left as it is rather than guessed.
 */
export function tagNamesAfterOwnTag(
  contact: unknown,
  tag: { id?: string; name?: string },
  added: boolean,
  ownTagNames: ReadonlyMap<string, string>,
): string[] | undefined {
  if (!isObject(contact) || !tag.name) return undefined;
  const tags = objectAt(contact, "tags");
  if (!tags || tags.has_more === true) return undefined;
  const listed = [...arrayAt(tags, "data"), ...arrayAt(tags, "tags")];
  const names: string[] = [];
  for (const entry of listed) {
    const id = stringAt(entry, "id");
    const name =
      stringAt(entry, "name") ??
      (id !== undefined && id === tag.id ? tag.name : id ? ownTagNames.get(id) : undefined);
    if (name === undefined) return undefined;
    names.push(name);
  }
  const key = tag.name.toLowerCase();
  const others = names.filter((name) => name.toLowerCase() !== key);
  return added ? [...others, tag.name] : others;
}
