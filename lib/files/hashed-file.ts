// Writing an export file: under a temporary name in the export folder, its SHA-256 (and
// MD5) computed from the very bytes written, removed again on any failure, so only a
// complete file is ever published (export-store.ts). I/O failures are named in words a
// person can act on.
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { exportDir } from "../config";

export type WrittenFile = { size: number; sha256: string; md5: string };

/** Opens the file a job writes to; tests swap in one that fails like a full disk. */
export type OpenFile = (filePath: string) => Promise<fs.FileHandle>;

export const openForWriting: OpenFile = (filePath) =>
  fs.open(filePath, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600);

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
