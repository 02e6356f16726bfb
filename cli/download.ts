// Writing a file that arrives: to a temporary name in the target folder, its SHA-256
// computed while it is written, compared with every digest the server gave (the job's
// `sha256`, `X-Checksum-SHA256`, `Repr-Digest`, `Digest`, also those of a redirect to
// object storage), and only then renamed into
// place. A mismatch or a body cut short deletes what was written (exit 4).
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { CliError, EXIT } from "./errors";
import { t } from "./messages";

export type Target = { kind: "dir"; dir: string } | { kind: "file"; file: string } | { kind: "stdout" };

/** What `--out` means for `count` files: a directory (existing, or ending in /), one file, or stdout. */
export async function resolveTarget(out: string | undefined, count: number): Promise<Target> {
  if (out === "-") {
    if (count !== 1) throw new CliError(t("cli.error.outStdout", { count }), EXIT.usage);
    return { kind: "stdout" };
  }
  const dir = out ?? ".";
  if (out === undefined || out.endsWith("/") || out.endsWith(path.sep)) return { kind: "dir", dir };
  const info = await stat(out).catch(() => null);
  if (info?.isDirectory()) return { kind: "dir", dir: out };
  if (count !== 1) throw new CliError(t("cli.error.outFile", { count }), EXIT.usage);
  return { kind: "file", file: out };
}

/** The file name a response names (filename*, else filename), reduced to a safe base name. */
export function fileNameFrom(disposition: string | null, fallback: string): string {
  let name: string | undefined;
  if (disposition) {
    const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
    if (extended?.[1]) {
      try {
        name = decodeURIComponent(extended[1].trim());
      } catch {
        name = undefined;
      }
    }
    if (!name) name = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(disposition)?.[1]?.replace(/\\(.)/g, "$1");
    if (!name) name = /filename\s*=\s*([^;\s]+)/.exec(disposition)?.[1];
  }
  return safeName(name) ?? safeName(fallback) ?? "export";
}

function safeName(name: string | undefined | null): string | undefined {
  if (!name) return undefined;
  const base = path.basename(name.replace(/\\/g, "/")).replace(/[\u0000-\u001f]/g, "");
  return base && base !== "." && base !== ".." ? base : undefined;
}

/** Every SHA-256 the headers carry, as lowercase hex. */
export function headerDigests(headers: Headers): string[] {
  const digests: string[] = [];
  const hex = headers.get("x-checksum-sha256");
  if (hex && /^[0-9a-f]{64}$/i.test(hex.trim())) digests.push(hex.trim().toLowerCase());
  const repr = headers.get("repr-digest");
  const reprValue = repr && /sha-256=:([A-Za-z0-9+/=]+):/i.exec(repr)?.[1];
  if (reprValue) digests.push(Buffer.from(reprValue, "base64").toString("hex"));
  const legacy = headers.get("digest");
  const legacyValue = legacy && /sha-256=([A-Za-z0-9+/=]+)/i.exec(legacy)?.[1];
  if (legacyValue) digests.push(Buffer.from(legacyValue, "base64").toString("hex"));
  return digests;
}

export type Saved = { path: string; size: number; sha256: string };

export type SaveOptions = {
  target: Target;
  /** The name when the target is a folder and the response names none. */
  fallbackName: string;
  /** The job's `sha256`, if it has one (a streamed export has none). */
  expectedSha256?: string | null;
  /** Digests the app gave on a redirect to where the bytes are fetched from. */
  expectedDigests?: readonly string[];
  /** Bytes written so far, for a progress bar. */
  onBytes?: (bytes: number) => void;
  stdout?: NodeJS.WritableStream;
};

/** Temporary files being written, removed on Ctrl-C. */
export const pendingFiles = new Set<string>();

export async function saveResponse(response: Response, options: SaveOptions): Promise<Saved> {
  const expected = [
    ...(options.expectedSha256 ? [options.expectedSha256.toLowerCase()] : []),
    ...(options.expectedDigests ?? []),
    ...headerDigests(response.headers),
  ];
  const name = fileNameFrom(response.headers.get("content-disposition"), options.fallbackName);
  const { target } = options;
  const finalPath = target.kind === "file" ? target.file : target.kind === "dir" ? path.join(target.dir, name) : "-";
  const hash = createHash("sha256");
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      options.onBytes?.(size);
      done(null, chunk);
    },
  });
  if (!response.body) throw new CliError(t("cli.error.truncated", { reason: "no body" }), EXIT.failed);
  const source = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  if (target.kind === "stdout") {
    const out = options.stdout ?? process.stdout;
    try {
      await pipeline(source, meter, out, { end: false });
    } catch (error) {
      throw new CliError(t("cli.error.truncated", { reason: (error as Error).message }), EXIT.failed);
    }
    const sha256 = hash.digest("hex");
    checkDigests(sha256, expected);
    return { path: "-", size, sha256 };
  }
  const temporary = path.join(
    path.dirname(finalPath),
    `.${path.basename(finalPath)}.${randomBytes(4).toString("hex")}.part`,
  );
  pendingFiles.add(temporary);
  try {
    try {
      await pipeline(source, meter, createWriteStream(temporary, { flags: "wx", mode: 0o644 }));
    } catch (error) {
      if (error instanceof CliError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "EACCES" || code === "EEXIST" || code === "ENOTDIR") {
        throw new CliError((error as Error).message, EXIT.usage);
      }
      throw new CliError(t("cli.error.truncated", { reason: (error as Error).message }), EXIT.failed);
    }
    const sha256 = hash.digest("hex");
    checkDigests(sha256, expected);
    await rename(temporary, finalPath);
    return { path: finalPath, size, sha256 };
  } finally {
    pendingFiles.delete(temporary);
    await rm(temporary, { force: true });
  }
}

function checkDigests(actual: string, expected: readonly string[]): void {
  const wrong = expected.find((digest) => digest !== actual);
  if (wrong) throw new CliError(t("cli.error.checksum", { actual, expected: wrong }), EXIT.failed);
}
