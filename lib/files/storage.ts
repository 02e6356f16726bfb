// Export files on local disk. A file is written under a temporary name with its SHA-256
// (and MD5) computed from the very bytes written, and published by an atomic rename only
// once complete, so no partial file is ever served. Names are generated here, never taken
// from a request.
import { createHash, randomUUID } from "node:crypto";
import { constants } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { exportDir } from "../config";

export type WrittenFile = { size: number; sha256: string; md5: string };

/** Opens the file a job writes to; tests swap in one that fails like a full disk. */
export type OpenFile = (filePath: string) => Promise<fs.FileHandle>;

export const openForWriting: OpenFile = (filePath) => fs.open(filePath, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);

/** A fresh storage key for a published file: random, with the format's extension. */
export function newStorageKey(extension: string): string {
  return `${randomUUID()}.${extension}`;
}

const KEY_PATTERN = /^[0-9a-f-]{36}\.[a-z0-9.]+$/;

/** The absolute path of a stored file. The key must be one of ours (never user input). */
export function storedPath(storageKey: string, dir = exportDir()): string {
  if (!KEY_PATTERN.test(storageKey)) throw new Error(`Not a storage key: ${storageKey}`);
  return path.join(dir, storageKey);
}

/** Temporary files of a job carry its id, so a later attempt can clear what a dead one left. */
export function tempPath(jobId: string, attempt: number, dir = exportDir()): string {
  return path.join(dir, `.${jobId}.${attempt}.part`);
}

export async function removeTempFiles(jobId: string, dir = exportDir()): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return 0;
  }
  const ours = names.filter((name) => name.startsWith(`.${jobId}.`) && name.endsWith(".part"));
  await Promise.all(ours.map((name) => fs.rm(path.join(dir, name), { force: true })));
  return ours.length;
}

/**
 * Writes the chunks to `target`, hashing them as they go. On any failure the file is
 * removed before the error is passed on.
 */
export async function writeHashed(
  chunks: AsyncIterable<Uint8Array>,
  target: string,
  open: OpenFile = openForWriting,
): Promise<WrittenFile> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const sha256 = createHash("sha256");
  const md5 = createHash("md5");
  let size = 0;
  let handle: fs.FileHandle | null = null;
  try {
    handle = await open(target);
    for await (const chunk of chunks) {
      let offset = 0;
      while (offset < chunk.byteLength) {
        const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
        offset += bytesWritten;
      }
      sha256.update(chunk);
      md5.update(chunk);
      size += chunk.byteLength;
    }
    await handle.sync();
    await handle.close();
    handle = null;
    return { size, sha256: sha256.digest("hex"), md5: md5.digest("hex") };
  } catch (error) {
    await handle?.close().catch(() => {});
    await fs.rm(target, { force: true }).catch(() => {});
    throw error;
  }
}

/** Makes a complete temporary file visible under its storage key (atomic on one disk). */
export async function publish(temp: string, storageKey: string, dir = exportDir()): Promise<void> {
  await fs.rename(temp, storedPath(storageKey, dir));
}

export async function removeStored(storageKey: string, dir = exportDir()): Promise<void> {
  await fs.rm(storedPath(storageKey, dir), { force: true });
}

/** The SHA-256 of a stored file read through an open handle (the one that will be served). */
export async function hashHandle(handle: fs.FileHandle): Promise<string> {
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(1 << 20);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash.digest("hex");
}

export type IoFailure = "disk_full" | "not_writable" | "too_many_files" | "disk_error";

const IO_FAILURES: Record<string, IoFailure> = {
  ENOSPC: "disk_full",
  EDQUOT: "disk_full",
  EFBIG: "disk_full",
  EACCES: "not_writable",
  EPERM: "not_writable",
  EROFS: "not_writable",
  ENOENT: "not_writable",
  ENOTDIR: "not_writable",
  EMFILE: "too_many_files",
  ENFILE: "too_many_files",
  EIO: "disk_error",
};

/** What kind of file-system failure an error is, or null when it is not one. */
export function ioFailure(error: unknown): IoFailure | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code ? (IO_FAILURES[code] ?? null) : null;
}
