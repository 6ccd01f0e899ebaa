// The only way the dashboard builds DOM: text goes through text nodes, data through attributes.
// Nothing here parses HTML, so names containing markup show as the characters they are.

export type Child = Node | string | number | null | undefined | false;

type Listeners = { [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };

export interface Props {
  class?: string;
  attrs?: Record<string, string | number | boolean | undefined>;
  on?: Listeners;
}

/**
 * Creates an element. `attrs` values of `true` set an empty attribute, `false`/undefined skip it.
 * @example h("button", { attrs: { type: "button" }, on: { click } }, "Save")
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.class) element.className = props.class;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    setAttr(element, name, value);
  }
  for (const [type, listener] of Object.entries(props.on ?? {})) {
    element.addEventListener(type, listener as EventListener);
  }
  append(element, children);
  return element;
}

export function setAttr(
  element: Element,
  name: string,
  value: string | number | boolean | undefined,
) {
  // Event-handler attributes would run strings as code: listeners go through `on` only.
  if (/^on/i.test(name)) throw new Error(`refusing to set event attribute ${name}`);
  if (value === false || value === undefined) element.removeAttribute(name);
  else element.setAttribute(name, value === true ? "" : String(value));
}

export function append(parent: Node, children: Child[]) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(
      typeof child === "string" || typeof child === "number"
        ? document.createTextNode(String(child))
        : child,
    );
  }
}

/** Replaces an element's content with the given children. */
export function fill(parent: Element, ...children: Child[]) {
  parent.replaceChildren();
  append(parent, children);
}

let nextId = 0;
/** Unique ids to tie labels, hints and messages to their inputs. */
export const uid = (prefix: string) => `${prefix}-${(nextId += 1)}`;
