import { h, fill, uid } from "../dom";

interface Slot {
  message: HTMLElement;
  control?: HTMLElement;
}

/**
 * Where validation and server messages appear: one slot per field path, tied to its control by
 * aria-describedby and aria-invalid.
 */
export function createFieldMessages() {
  const slots = new Map<string, Slot>();

  return {
    /** Creates (or replaces) the message element for `path`; place it under the control. */
    slot(path: string, control?: HTMLElement): HTMLElement {
      const message = h("p", {
        class: "field-error",
        attrs: { id: uid("err"), "data-error-for": path, hidden: true },
      });
      if (control) {
        const describedBy = control.getAttribute("aria-describedby");
        control.setAttribute(
          "aria-describedby",
          describedBy ? `${describedBy} ${message.id}` : message.id,
        );
      }
      slots.set(path, { message, control });
      return message;
    },
    /** Drops the slots of rows that were re-rendered, e.g. everything under a table's path. */
    forget(prefix: string) {
      for (const path of [...slots.keys()]) {
        if (path === prefix || path.startsWith(`${prefix}.`)) slots.delete(path);
      }
    },
    paths: () => slots.keys(),
    show(byPath: Map<string, string[]>) {
      for (const [path, slot] of slots) {
        const messages = byPath.get(path) ?? [];
        fill(slot.message, messages.join(" "));
        slot.message.hidden = messages.length === 0;
        if (slot.control) {
          if (messages.length > 0) slot.control.setAttribute("aria-invalid", "true");
          else slot.control.removeAttribute("aria-invalid");
        }
      }
    },
    /** The first control with a message, in document order, to move focus to after a failed save. */
    firstInvalid(): HTMLElement | undefined {
      const invalid = [...slots.values()]
        .filter((slot) => !slot.message.hidden && slot.control?.isConnected)
        .map((slot) => slot.control as HTMLElement);
      invalid.sort((a, b) =>
        a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
      );
      return invalid[0];
    },
  };
}

export type FieldMessages = ReturnType<typeof createFieldMessages>;
