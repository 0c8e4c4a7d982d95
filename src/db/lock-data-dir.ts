import { readFile, rm, writeFile } from "node:fs/promises";

/** Another live process has the embedded database open. */
export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";
  constructor(
    public readonly dir: string,
    public readonly pid: number,
  ) {
    super(`the embedded database in ${dir} is in use by process ${pid}; stop it first (or set DATABASE_URL)`);
  }
}

// Dirs this process holds, so a lock file naming our own pid can be told apart from one left by an
// earlier run that happened to have the same pid (PID 1 in every container restart).
const held = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite is a single-process database: a second process opening the same directory (say
 * `npm run migrate` while the server runs) corrupts it. A pid file next to the directory turns that
 * into a clear error. Returns the release function.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const lockPath = `${dir}.lock`;
  if (held.has(lockPath)) throw new DataDirLockedError(dir, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockPath, `${process.pid}\n`, { flag: "wx" });
      held.add(lockPath);
      return async () => {
        held.delete(lockPath);
        await rm(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number.parseInt(await readFile(lockPath, "utf8").catch(() => ""), 10);
    if (holder > 0 && holder !== process.pid && isAlive(holder)) throw new DataDirLockedError(dir, holder);
    // Left behind by a process that is gone: take it over.
    await rm(lockPath, { force: true });
  }
  throw new Error(`could not lock ${dir}: its lock file keeps reappearing`);
}
