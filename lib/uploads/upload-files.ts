// Where an uploaded file waits for its import: a file under the upload folder named by a
// random key (never by anything a request said), removed once its import is over —
// completed, failed for good or cancelled — or when its request is refused.
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { uploadDir } from "../config";

const KEY = /^[a-f0-9]{32}$/;

/** A file received from a request, on disk, hashed as it was written. */
export type ReceivedUpload = {
  /** The random key naming the file in the upload folder. */
  key: string;
  /** The name the client gave the file (for display and the format hint only; never a path). */
  fileName: string;
  size: number;
  sha256: string;
  /** The Content-Type the client declared for the file, lower-case, parameters dropped. */
  contentType: string | null;
};

export function newUploadKey(): string {
  return randomBytes(16).toString("hex");
}

/** The file of an upload key, after checking the key is one this module made. */
export function uploadPath(key: string, dir: string = uploadDir()): string {
  if (!KEY.test(key)) throw new Error(`not an upload key: ${JSON.stringify(key)}`);
  return path.join(dir, `${key}.upload`);
}

export async function removeUpload(key: string, dir: string = uploadDir()): Promise<void> {
  await rm(uploadPath(key, dir), { force: true });
}
