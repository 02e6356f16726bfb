// Secrets the app generates once and keeps in files under var/ (the NEXTAUTH_SECRET, the
// embedded PostgreSQL's password). A secret file is readable by its owner only from the
// moment it exists (created with mode 0600, never chmod-ed later), and is written whole
// or not at all: into a temporary file next to it, flushed, then renamed over the name.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import path from "node:path";

/** A strong random secret: 32 random bytes, base64url (43 characters, no padding). */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** Writes `secret` to `file` atomically, the file having mode 0600 from its creation. */
export function writeSecretFile(file: string, secret: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  // "wx": a file already there (planted by someone else) is never written into.
  const fd = openSync(temporary, "wx", 0o600);
  try {
    writeSync(fd, `${secret}\n`);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** The secret kept in `file`, or null when there is no such file (or it is empty). */
export function readSecretFile(file: string): string | null {
  if (!existsSync(file)) return null;
  const secret = readFileSync(file, "utf8").trim();
  return secret || null;
}

/** The secret kept in `file`; generated and written there first when there is none. */
export function readOrCreateSecret(file: string): string {
  const existing = readSecretFile(file);
  if (existing) return existing;
  const secret = newSecret();
  writeSecretFile(file, secret);
  return secret;
}
