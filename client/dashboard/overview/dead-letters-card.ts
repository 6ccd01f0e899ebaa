import { h, fill } from "../dom";
import type { DeadLetters, RetryResult } from "../types";
import { formatTime } from "../view/format";

const RETRY_MESSAGES: Record<RetryResult["outcome"], string> = {
  written: "Hull took the record.",
  refused: "Hull refused it again: ",
  queued: "Hull is not taking data right now; the record waits in the outbox.",
};

/** What a retry's answer tells the person. Pure. */
export function describeRetry(result: RetryResult): string {
  return result.outcome === "refused"
    ? `${RETRY_MESSAGES.refused}${result.reason}`
    : RETRY_MESSAGES[result.outcome];
}

/**
 * Records Hull refused for good (the dead-letter store): who, what, when and Hull's reason, with a
 * Retry button each, for after the record or the mapping was fixed. They never hold up other data.
 */
export function createDeadLettersCard(retry: (id: string) => Promise<string>) {
  const summary = h("p", { class: "muted" });
  const list = h("ul", { class: "errors" });
  const result = h("p", { class: "card-result", attrs: { role: "status" } });
  const element = h(
    "section",
    { class: "card" },
    h("h2", { class: "card-title" }, "Records Hull refused"),
    summary,
    list,
    result,
  );
  return {
    element,
    showLoadError(message: string) {
      fill(summary, `Could not load them: ${message}`);
    },
    update(deadLetters: DeadLetters) {
      fill(
        summary,
        deadLetters.total === 0
          ? "None: Hull took every record."
          : `${deadLetters.total} record(s) Hull refused; the data around them was written.`,
      );
      fill(
        list,
        ...deadLetters.letters.map((letter) => {
          const button = h(
            "button",
            {
              class: "button button-secondary",
              attrs: { type: "button" },
              on: {
                click: async () => {
                  button.disabled = true;
                  fill(result, await retry(letter.id));
                },
              },
            },
            "Retry",
          );
          return h(
            "li",
            { class: "error-item" },
            h("time", { attrs: { datetime: letter.at } }, formatTime(letter.at)),
            h(
              "span",
              {},
              `${letter.what} for ${letter.who} (from a ${letter.source}): ${letter.reason}`,
            ),
            button,
          );
        }),
      );
    },
  };
}
