// Where finished export files live. `ExportStore` is what the rest of the app sees
// (publish, open for a verified read, remove, list), with the local folder as the one
// implementation today; object storage would be another. Keys are generated here, never
// taken from a request, and neither keys nor paths ever leave the server.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { exportDir } from "../config";

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

export type ExportStore = {
  /** Makes a complete temporary file (written by writeHashed) visible under `key`. */
  publish(tempFile: string, key: string): Promise<void>;
  /** Opens a stored file, or null when it is not there. */
  open(key: string): Promise<StoredFile | null>;
  /** Removes a stored file; the bytes freed, or null when there was none. */
  remove(key: string): Promise<number | null>;
  /** Every published file (temporary files excluded). */
  list(): AsyncIterable<StoredEntry>;
  /** A cheap check that the store can be written now (health); throws when it cannot. */
  probe?(): Promise<void>;
};

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

  async probe(): Promise<void> {
    // The folder is made on first use; then it must be a folder this process may write.
    await fs.mkdir(this.dir, { recursive: true });
    if (!(await fs.stat(this.dir)).isDirectory()) throw new Error("The export folder is not a folder.");
    await fs.access(this.dir, fs.constants.W_OK);
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
