// The CSV of an import's rejected rows, for the person who imported to fix and import
// again: one line per rejected row — the line it came from, why, then its values as read
// — quoted per RFC 4180 by the export engine's CSV escaping. It is the uploader's own data
// handed back, so values are written as text, not neutralised like an export. The file
// sits in the upload folder under a random key (never a name from a request).
import { createReadStream, createWriteStream, type ReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { once } from "node:events";
import { uploadDir } from "../config";
import { safeJson } from "../export/values";
import { csvEscaper } from "../export/formats/csv";
import type { SourceValue } from "../imports/types";
import { newUploadKey } from "../uploads/upload-files";

const KEY = /^[a-f0-9]{32}$/;
const escape = csvEscaper(",");

export function rejectedRowsPath(key: string, dir: string = uploadDir()): string {
  if (!KEY.test(key)) throw new Error(`not a rejected rows key: ${JSON.stringify(key)}`);
  return path.join(dir, `${key}.rejected.csv`);
}

export async function removeRejectedRows(key: string | null, dir: string = uploadDir()): Promise<void> {
  if (key) await rm(rejectedRowsPath(key, dir), { force: true });
}

export function openRejectedRowsFile(key: string, dir: string = uploadDir()): ReadStream {
  return createReadStream(rejectedRowsPath(key, dir));
}

function cell(value: SourceValue | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return escape(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "" : value.toISOString();
  if (typeof value === "object") return escape(safeJson(value));
  return escape(String(value));
}

/** Writes rejected rows as they come, created on the first; waits when the disk is slower. */
export class RejectedRowsWriter {
  private stream: ReturnType<typeof createWriteStream> | null = null;
  private pending = "";
  /** The file's key once a row was written. */
  key: string | null = null;

  /** `names`: the file's column names, for the header after `line` and `reason`. */
  constructor(
    private readonly names: readonly string[],
    private readonly dir: string = uploadDir(),
  ) {}

  /** Adds a row; flushes every ~64 KB. */
  async add(line: number, reason: string, values: readonly SourceValue[]): Promise<void> {
    let text = `${line},${escape(reason)}`;
    for (const value of values) text += `,${cell(value)}`;
    this.pending += `${text}\r\n`;
    if (this.pending.length >= 65_536) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.pending) return;
    if (!this.stream) {
      this.key = newUploadKey();
      this.stream = createWriteStream(rejectedRowsPath(this.key, this.dir), { flags: "wx" });
      this.pending = `${["line", "reason", ...this.names].map(escape).join(",")}\r\n${this.pending}`;
    }
    const chunk = this.pending;
    this.pending = "";
    if (!this.stream.write(chunk)) await once(this.stream, "drain");
  }

  /** Writes what is left and closes the file; the key of the file, or null when no row was rejected. */
  async close(): Promise<string | null> {
    await this.flush();
    if (this.stream) {
      const stream = this.stream;
      await new Promise<void>((resolve, reject) =>
        stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    }
    return this.key;
  }

  /** Closes and removes the file (an attempt that did not commit). */
  async discard(): Promise<void> {
    this.pending = "";
    const key = this.key;
    if (this.stream) {
      const stream = this.stream;
      await new Promise<void>((resolve) => stream.end(() => resolve()));
    }
    await removeRejectedRows(key, this.dir);
  }
}
