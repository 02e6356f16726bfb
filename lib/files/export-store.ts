// Where finished export files live. `ExportStore` is what the rest of the app sees
// (write, open for a verified read, remove, list), with the local folder and S3
// (s3-export-store.ts) as its two implementations. A file is written through the store and
// becomes visible under its key only once complete. Keys are generated here, never taken
// from a request, and neither keys nor paths ever leave the server.
import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { exportDir, storageConfig } from "../config";
import { openForWriting, writeHashed, type OpenFile, type WrittenFile } from "./hashed-file";
import { S3ExportStore } from "./s3-export-store";
import { checkedKey, KEY_PATTERN } from "./storage-key";

export { newStorageKey } from "./storage-key";

/** The absolute path of a stored file. The key must be one of ours (never user input). */
function storedPath(storageKey: string, dir = exportDir()): string {
  return path.join(dir, checkedKey(storageKey));
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
  /** The SHA-256 recorded with the object when it was written, where the store keeps one. */
  recordedSha256?: string;
};

export type StoredEntry = { key: string; size: number; modifiedAt: Date };

export type WriteOptions = {
  /** Local store: the temporary file to write first (a job's, so a later attempt can clear it). */
  tempFile?: string;
  /** Local store: how that file is opened (tests swap in a full disk). */
  open?: OpenFile;
  /** Stops the write; nothing is published then. */
  signal?: AbortSignal;
};

export type ExportStore = {
  /** Which kind of store this is (health reports it). */
  readonly kind: "local" | "s3";
  /**
   * Writes the chunks under `key`, hashing them as they go. The file is visible only once
   * every byte is written; on any failure (or abort) nothing is left behind.
   */
  write(key: string, chunks: AsyncIterable<Uint8Array>, options?: WriteOptions): Promise<WrittenFile>;
  /** Opens a stored file, or null when it is not there. */
  open(key: string): Promise<StoredFile | null>;
  /** Removes a stored file; the bytes freed, or null when there was none. */
  remove(key: string): Promise<number | null>;
  /** Every published file (temporary files excluded). */
  list(): AsyncIterable<StoredEntry>;
  /** A short-lived URL that fetches the file without credentials (stores that can make one). */
  presignedUrl?(key: string, attachmentName: string): Promise<string>;
  /** A cheap check that the store can be written now (health); throws when it cannot. */
  probe?(): Promise<void>;
};

/** The export folder on local disk (OUTPORT_EXPORT_DIR, or var/exports). */
export class LocalExportStore implements ExportStore {
  readonly kind = "local" as const;

  constructor(readonly dir: string) {}

  async write(key: string, chunks: AsyncIterable<Uint8Array>, options: WriteOptions = {}): Promise<WrittenFile> {
    const target = storedPath(key, this.dir);
    const temp = options.tempFile ?? path.join(this.dir, `.${randomUUID()}.1.part`);
    const written = await writeHashed(chunks, temp, options.open ?? openForWriting);
    try {
      options.signal?.throwIfAborted();
      await fs.rename(temp, target); // atomic on one disk
    } catch (error) {
      await fs.rm(temp, { force: true }).catch(() => {});
      throw error;
    }
    return written;
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
        stream: () => readHandle(handle),
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

let s3Store: { settings: string; store: S3ExportStore } | null = null;

/**
 * The export store in use (OUTPORT_STORAGE). `dir` asks for the local folder given, whatever
 * the setting (tests, benches).
 */
export function exportStore(dir?: string): ExportStore {
  if (dir !== undefined) return new LocalExportStore(dir);
  const settings = storageConfig();
  if (settings.kind === "local") return new LocalExportStore(exportDir());
  const key = JSON.stringify(settings);
  if (s3Store?.settings !== key) s3Store = { settings: key, store: new S3ExportStore(settings) };
  return s3Store.store;
}

/** Bytes per read of a stored file being streamed; one read ahead of the reader at most. */
const STREAM_CHUNK = 256 * 1024;

/**
 * The bytes behind an open handle, from the start, as a web stream; the handle is closed at
 * the end, on an error, or when the reader cancels. Made by hand rather than with
 * Readable.toWeb: on Node 20 that adapter can still hand a chunk to a stream its reader has
 * just cancelled, which throws outside any promise (an uncaught exception in the server) —
 * seen with clients that go away mid-download.
 */
function readHandle(handle: fs.FileHandle): ReadableStream<Uint8Array> {
  let position = 0;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await handle.close().catch(() => {});
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let bytesRead: number;
        const buffer = Buffer.allocUnsafe(STREAM_CHUNK);
        try {
          ({ bytesRead } = await handle.read(buffer, 0, STREAM_CHUNK, position));
        } catch (error) {
          if (!closed) controller.error(error);
          await close();
          return;
        }
        if (closed) return; // cancelled while reading
        if (bytesRead === 0) {
          controller.close();
          await close();
          return;
        }
        position += bytesRead;
        controller.enqueue(new Uint8Array(buffer.buffer, buffer.byteOffset, bytesRead));
      },
      cancel: close,
    },
    { highWaterMark: 1 },
  );
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
