// Receiving an uploaded file: the request body streamed to a file in the upload folder,
// its size and SHA-256 counted as it is written, never the whole body in memory. A body is
// either multipart/form-data (one part `file`, and a `metadata` text part) or the file
// itself under its own Content-Type. The file is written under a `.part` name and renamed
// once complete, and on every refusal — too large, cut short, malformed, aborted — whatever
// was written is removed before the error is thrown.
import busboy from "busboy";
import { createHash, type Hash } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { uploadDir } from "../config";
import { AppError } from "../errors";
import { newUploadKey, uploadPath, type ReceivedUpload } from "./upload-files";

/** The Content-Types a file may be sent under as the whole body. */
export const PLAIN_UPLOAD_TYPES = [
  "text/csv",
  "text/tab-separated-values",
  "application/json",
  "application/x-ndjson",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.apache.parquet",
  "application/octet-stream",
] as const;

/** The text parts a multipart upload may carry besides its file. */
const TEXT_FIELDS = new Set(["metadata"]);
/** The largest text part (the metadata's JSON). */
export const MAX_FIELD_BYTES = 256 * 1024;
const MAX_FILE_NAME = 255;

export type ReceiveOptions = {
  /** The largest file accepted: one byte more is a 413. */
  maxBytes: number;
  /** The upload folder (default `uploadDir()`). */
  dir?: string;
};

export type ReceivedRequest = {
  upload: ReceivedUpload;
  /** The multipart text parts by name (`metadata`); empty for a plain body. */
  fields: Record<string, string>;
};

type Written = { size: number; sha256: string };

/** The limit in MB, as the 413 names it (1 GiB is 1024 MB). */
export function megabytes(bytes: number): number {
  const mb = bytes / (1024 * 1024);
  return mb >= 100 ? Math.round(mb) : Number(mb.toPrecision(3));
}

export function uploadTooLarge(maxBytes: number): AppError {
  return new AppError("payload_too_large", "upload.error.tooLarge", {
    params: { limit: megabytes(maxBytes) },
    errors: [{ field: "file", message: `must be at most ${maxBytes} bytes` }],
  });
}

const incomplete = () => new AppError("bad_request", "upload.error.incomplete");
const malformed = () => new AppError("bad_request", "upload.error.malformed");
const refusedField = (field: string, key: "upload.error.noFile" | "upload.error.oneFile" | "upload.error.empty") =>
  new AppError("invalid", key, {
    errors: [{ field, message: key === "upload.error.empty" ? "is empty" : "one file, in the part named file" }],
  });

/** The media type of a Content-Type header, lower-case, parameters dropped. */
export function mediaType(header: string | null): string | null {
  const type = (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "" ? null : type;
}

export function isMultipartRequest(req: Request): boolean {
  return mediaType(req.headers.get("content-type")) === "multipart/form-data";
}

/**
 * The name a client gave a file, fit to show: its last path segment, control characters
 * dropped, at most 255 characters. Null for nothing usable.
 */
export function cleanFileName(name: string | null | undefined): string | null {
  if (!name) return null;
  const last = name.split(/[/\\]/).pop() ?? "";
  // Control characters would break a log line or a header the name is later put in.
  const clean = last.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  if (clean === "" || clean === "." || clean === "..") return null;
  return clean.slice(0, MAX_FILE_NAME);
}

/** The filename of a Content-Disposition header (`filename*` preferred, RFC 6266). */
export function dispositionFileName(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*([\w!#$%&+^`{}~.-]+)'[^']*'([^;\s]+)/i.exec(header);
  if (extended) {
    try {
      if (extended[1]?.toLowerCase() === "utf-8") return decodeURIComponent(extended[2] ?? "");
    } catch {
      // a bad %-escape: fall back to the plain filename
    }
  }
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
  if (quoted) return (quoted[1] ?? "").replace(/\\(.)/g, "$1");
  const token = /filename\s*=\s*([^;\s]+)/i.exec(header);
  return token?.[1] ?? null;
}

/** Counts and hashes what passes, failing with a 413 one byte past the limit. */
function meter(maxBytes: number): { stream: Transform; written: () => Written } {
  const hash: Hash = createHash("sha256");
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) return callback(uploadTooLarge(maxBytes));
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  return { stream, written: () => ({ size, sha256: hash.digest("hex") }) };
}

/** Waits until a file stream has let go of its file (so a removal after it is final). */
async function closed(out: WriteStream): Promise<void> {
  if (out.closed) return;
  await new Promise<void>((resolve) => {
    out.once("close", () => resolve());
    out.destroy();
  });
}

function bodyStream(req: Request): Readable {
  if (req.body === null) return Readable.from([]);
  // The DOM and Node typings of a web ReadableStream differ; they are the same object.
  return Readable.fromWeb(req.body as unknown as NodeReadableStream<Uint8Array>);
}

/** Writes the request body, which is the file, to `part`. */
async function receivePlain(req: Request, part: string, maxBytes: number): Promise<Written> {
  const out = createWriteStream(part, { flags: "wx" });
  const { stream, written } = meter(maxBytes);
  try {
    await pipeline(bodyStream(req), stream, out, { signal: req.signal });
  } catch (error) {
    await closed(out);
    throw error instanceof AppError ? error : incomplete();
  }
  const result = written();
  // A body that ended before its declared length was cut short.
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) !== result.size) throw incomplete();
  return result;
}

type MultipartResult = Written & {
  fileName: string | null;
  contentType: string | null;
  fields: Record<string, string>;
};

/** Writes the `file` part of a multipart body to `part` and collects its text parts. */
function receiveMultipart(req: Request, contentType: string, part: string, maxBytes: number): Promise<MultipartResult> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      defParamCharset: "utf8",
      // fileSize one past the limit, so that a file over it is seen as one.
      limits: { fileSize: maxBytes + 1, files: 1, fields: 10, parts: 11, fieldSize: MAX_FIELD_BYTES },
    });
  } catch {
    return Promise.reject(malformed()); // no boundary, or not multipart at all
  }
  const body = bodyStream(req);
  const fields: Record<string, string> = {};
  return new Promise<MultipartResult>((resolve, reject) => {
    let failure: unknown = null;
    let file: (Written & { fileName: string | null; contentType: string | null }) | null = null;
    let writing: Promise<void> | null = null;
    let out: WriteStream | null = null;

    const fail = (error: unknown) => {
      if (failure !== null) return;
      failure = error;
      req.signal.removeEventListener("abort", onAbort);
      body.unpipe(parser);
      body.destroy();
      // Destroying the file's target ends its pipeline (destroying busboy's file stream
      // itself leaves the pipeline waiting).
      out?.destroy(new Error("upload refused"));
      // Reject only once the file is closed: the caller removes it next.
      void (writing ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => (out ? closed(out) : undefined))
        .then(() => reject(error));
    };
    const onAbort = () => fail(incomplete());
    req.signal.addEventListener("abort", onAbort);
    const invalidPart = (field: string, message: string) =>
      fail(
        new AppError("invalid", "upload.error.unknownPart", { params: { name: field }, errors: [{ field, message }] }),
      );

    parser.on("file", (name, stream, info) => {
      if (failure !== null) return void stream.resume();
      if (name !== "file") {
        stream.resume();
        return invalidPart(name, "is not a part this upload takes (file, metadata)");
      }
      out = createWriteStream(part, { flags: "wx" });
      const { stream: counter, written } = meter(maxBytes);
      const target = out;
      writing = pipeline(stream, counter, target).then(
        () => {
          file = { ...written(), fileName: info.filename ?? null, contentType: mediaType(info.mimeType) };
        },
        (error: unknown) => fail(error instanceof AppError ? error : incomplete()),
      );
    });
    parser.on("field", (name, value, info) => {
      if (failure !== null) return;
      if (!TEXT_FIELDS.has(name)) return invalidPart(name, "is not a part this upload takes (file, metadata)");
      if (info.valueTruncated) return invalidPart(name, `must be at most ${MAX_FIELD_BYTES / 1024} KiB`);
      if (name in fields) return invalidPart(name, "must be sent once");
      fields[name] = value;
    });
    parser.on("filesLimit", () => fail(refusedField("file", "upload.error.oneFile")));
    parser.on("fieldsLimit", () => invalidPart("(body)", "too many parts"));
    parser.on("partsLimit", () => invalidPart("(body)", "too many parts"));
    parser.on("error", (error: unknown) => {
      const message = error instanceof Error ? error.message : "";
      fail(/unexpected end/i.test(message) ? incomplete() : malformed());
    });
    parser.on("close", () => {
      if (failure !== null) return;
      void (writing ?? Promise.resolve()).then(() => {
        if (failure !== null) return;
        req.signal.removeEventListener("abort", onAbort);
        if (file === null) return fail(refusedField("file", "upload.error.noFile"));
        resolve({ ...file, fields });
      });
    });
    body.on("error", () => fail(incomplete()));
    body.pipe(parser);
  });
}

/**
 * Streams the upload of `req` to a new file in the upload folder. Throws an AppError —
 * 413 past `maxBytes`, 422 for a multipart body without exactly one `file` part or with
 * other parts, 400 for a malformed or cut-short body, 415 for a body type no file is sent
 * as — and then no file is left behind.
 */
export async function receiveUpload(req: Request, options: ReceiveOptions): Promise<ReceivedRequest> {
  const dir = options.dir ?? uploadDir();
  const header = req.headers.get("content-type");
  const type = mediaType(header);
  const multipart = type === "multipart/form-data";
  if (!multipart && !(PLAIN_UPLOAD_TYPES as readonly string[]).includes(type ?? "")) {
    throw new AppError("unsupported_media_type", "upload.error.mediaType", {
      errors: [
        { field: "Content-Type", message: `must be multipart/form-data or one of ${PLAIN_UPLOAD_TYPES.join(", ")}` },
      ],
    });
  }
  const declared = req.headers.get("content-length");
  if (
    declared !== null &&
    /^\s*\d+\s*$/.test(declared) &&
    Number(declared) > options.maxBytes + (multipart ? MAX_FIELD_BYTES + 64 * 1024 : 0)
  ) {
    throw uploadTooLarge(options.maxBytes);
  }
  await mkdir(dir, { recursive: true });
  const key = newUploadKey();
  const final = uploadPath(key, dir);
  const part = `${final}.part`;
  try {
    let upload: ReceivedUpload;
    let fields: Record<string, string> = {};
    if (multipart) {
      const received = await receiveMultipart(req, header ?? "", part, options.maxBytes);
      fields = received.fields;
      upload = {
        key,
        fileName: cleanFileName(received.fileName) ?? "upload",
        size: received.size,
        sha256: received.sha256,
        contentType: received.contentType,
      };
    } else {
      const written = await receivePlain(req, part, options.maxBytes);
      const named =
        new URL(req.url).searchParams.get("file_name") ?? dispositionFileName(req.headers.get("content-disposition"));
      upload = { key, fileName: cleanFileName(named) ?? "upload", ...written, contentType: type };
    }
    if (upload.size === 0) throw refusedField("file", "upload.error.empty");
    await rename(part, final);
    return { upload, fields };
  } catch (error) {
    await rm(part, { force: true });
    await rm(final, { force: true });
    throw error;
  }
}
