import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";

/**
 * Where downloaded extracts (personal data) wait while their job sends them: under
 * `DATA_DIR/extracts/<pid>/`, one file per job. A job removes its file when it ends, whatever the
 * outcome; a process killed mid-job cannot, so each start sweeps the folders of processes that
 * are gone (a dead pid, or our own pid left by an earlier process). Folders of live processes
 * sharing the DATA_DIR are left alone.
 */
export interface ExtractFiles {
  /** The file for a job's download (its folder exists once this resolves). */
  fileFor(jobId: string): Promise<string>;
  /** Removes what processes that are gone left behind; resolves to the folders removed. */
  sweep(): Promise<number>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Extract files under `dataDir` for this process (`pid` defaults to `process.pid`). */
export function createExtractFiles(dataDir: string, pid = process.pid): ExtractFiles {
  const root = join(dataDir, "extracts");
  const own = join(root, String(pid));
  return {
    async fileFor(jobId) {
      await mkdir(own, { recursive: true, mode: 0o700 });
      return join(own, `${jobId.replace(/[^\w-]/g, "_")}.json`);
    },
    async sweep() {
      let names: string[];
      try {
        names = await readdir(root);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
        throw error;
      }
      const gone = names.filter((name) => {
        const owner = Number(name);
        return !/^\d+$/.test(name) || owner === pid || !isAlive(owner);
      });
      await Promise.all(gone.map((name) => rm(join(root, name), { recursive: true, force: true })));
      return gone.length;
    },
  };
}
