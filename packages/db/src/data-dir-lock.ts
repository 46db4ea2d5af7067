import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DbError } from "./errors";

const lockName = "store-node.pid";

/**
 * PGlite has no postmaster: two processes opening one data folder would both write to it and
 * corrupt it. Like PostgreSQL's postmaster.pid, a pid file claims the folder; a claim by a process
 * that no longer runs is taken over. Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, lockName);
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => {
        if (readFileSync(file, { encoding: "utf8", flag: "a+" }) === String(process.pid)) rmSync(file);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number.parseInt(readFileSync(file, "utf8"), 10);
    if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
      throw new DbError(
        "DB_LOCKED",
        `The embedded database in ${dataDir} is open in process ${owner}: stop that process first, or point DATABASE_URL at PostgreSQL to share one database`,
      );
    }
    if (owner === process.pid) {
      throw new DbError("DB_LOCKED", `The embedded database in ${dataDir} is already open in this process`);
    }
    rmSync(file, { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
