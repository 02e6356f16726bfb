// Where finished export files live. `ExportStore` is what the rest of the app sees (publish,
// open for a verified read, remove, list), with the local folder as the one implementation
// today; object storage would be another. A file is written under a temporary name with its
// SHA-256 (and MD5) computed from the very bytes written, and published only once complete,
// so no partial file is ever served. Keys are generated here, never taken from a request,
// and neither keys nor paths ever leave the server.
import { createHash, randomUUID } from "node:crypto";
import { constants } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { exportDir } from "../config";

export type WrittenFile = { size: number; sha256: string; md5: string };

/** Opens the file a job writes to; tests swap in one that fails like a full disk. */
export type OpenFile = (filePath: string) => Promise<fs.FileHandle>;

export const openForWriting: OpenFile = (filePath) =>
  fs.open(filePath, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);

/** A fresh storage key for a published file: random, with the format's extension. */
export function newStorageKey(extension: string): string {
  return `${randomUUID()}.${extension}`;
}

const KEY_PATTERN = /^[0-9a-f-]{36}\.[a-z0-9.]+$/;

/** The absolute path of a stored file. The key must be one of ours (never user input). */
function storedPath(storageKey: string, dir = exportDir()): string {
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

/** A stored file opened for one read: what is hashed is what is streamed. */
export type StoredFile = {
  size: number;
  modifiedAt: Date;
  /** SHA-256 of the stored bytes, read through the handle that stream() then uses. */
  sha256(): Promise<string>;
  /** The bytes; closes the file when done (or when the reader cancels). */
  stream(): ReadableStream<Uint8Array>;
  /** For when the file will not be streamed after all. */
  close(): Promise<void>;
};

export type StoredEntry = { key: string; size: number; modifiedAt: Date };

export interface ExportStore {
  /** Makes a complete temporary file (written by writeHashed) visible under `key`. */
  publish(tempFile: string, key: string): Promise<void>;
  /** Opens a stored file, or null when it is not there. */
  open(key: string): Promise<StoredFile | null>;
  /** Removes a stored file; the bytes freed, or null when there was none. */
  remove(key: string): Promise<number | null>;
  /** Every published file (temporary files excluded). */
  list(): AsyncIterable<StoredEntry>;
}

/** The export folder on local disk (OUTPORT_EXPORT_DIR, or var/exports). */
export class LocalExportStore implements ExportStore {
  constructor(readonly dir: string) {}

  async publish(tempFile: string, key: string): Promise<void> {
    await fs.rename(tempFile, storedPath(key, this.dir)); // atomic on one disk
  }

  async open(key: string): Promise<StoredFile | null> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(storedPath(key, this.dir), "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    try {
      const { size, mtime } = await handle.stat();
      return {
        size,
        modifiedAt: mtime,
        sha256: () => hashHandle(handle),
        stream: () =>
          Readable.toWeb(handle.createReadStream({ start: 0, autoClose: true })) as ReadableStream<Uint8Array>,
        close: () => handle.close().catch(() => {}),
      };
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
  }

  async remove(key: string): Promise<number | null> {
    const file = storedPath(key, this.dir);
    let size: number;
    try {
      size = (await fs.stat(file)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    await fs.rm(file, { force: true });
    return size;
  }

  async *list(): AsyncIterable<StoredEntry> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    for (const name of names) {
      if (!KEY_PATTERN.test(name)) continue;
      const stats = await fs.stat(path.join(this.dir, name)).catch(() => null); // null: removed meanwhile
      if (stats?.isFile()) yield { key: name, size: stats.size, modifiedAt: stats.mtime };
    }
  }
}

/** The export store in use; `dir` overrides the configured folder (tests, workers). */
export function exportStore(dir = exportDir()): ExportStore {
  return new LocalExportStore(dir);
}

/** The SHA-256 of a stored file read through an open handle (the one that will be served). */
async function hashHandle(handle: fs.FileHandle): Promise<string> {
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
