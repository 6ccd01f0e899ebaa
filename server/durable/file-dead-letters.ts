import { randomUUID } from "node:crypto";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DeadLetter, DeadLetterStore } from "./dead-letters";
import { createJournal, openJournalFile, readJournal, sealLine, type OpenJournal } from "./journal";

/**
 * The embedded dead-letter store: one checksummed journal under DATA_DIR (`journal.ts`), appended
 * to; a removal rewrites it to a temporary file renamed over it, between appends.
 */
export function createFileDeadLetters(
  dataDir: string,
  options: { openJournal?: OpenJournal; now?: () => Date } = {},
): DeadLetterStore {
  const journal = createJournal(
    join(dataDir, "dead-letters.jsonl"),
    options.openJournal ?? openJournalFile,
  );
  const now = options.now ?? (() => new Date());
  const all = async () => (await readJournal(journal.path)).records as DeadLetter[];
  const ofConnector = async (connectorId: string) =>
    (await all()).filter((letter) => letter.connector === connectorId);

  return {
    async add(connectorId, letters) {
      if (letters.length === 0) return;
      const at = now().toISOString();
      await journal.append(
        letters
          .map((letter) => sealLine({ id: randomUUID(), connector: connectorId, at, ...letter }))
          .join(""),
      );
    },
    async list(connectorId, limit = 50) {
      await journal.settled();
      const letters = (await ofConnector(connectorId)).reverse();
      return { total: letters.length, letters: letters.slice(0, limit) };
    },
    async get(connectorId, id) {
      await journal.settled();
      return (await ofConnector(connectorId)).find((letter) => letter.id === id);
    },
    async count() {
      await journal.settled();
      return (await all()).length;
    },
    remove(connectorId, id) {
      return journal.exclusive(async () => {
        const kept = (await all()).filter(
          (letter) => !(letter.connector === connectorId && letter.id === id),
        );
        const temporary = `${journal.path}.${process.pid}.tmp`;
        await writeFile(temporary, kept.map(sealLine).join(""), { mode: 0o600 });
        await rename(temporary, journal.path);
      });
    },
  };
}
