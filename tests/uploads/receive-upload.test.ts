// Receiving an upload, without a server: multipart and plain bodies built here, streamed
// to a temporary upload folder. Every refusal must leave the folder empty.
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { cleanFileName, dispositionFileName, megabytes, receiveUpload } from "@/lib/uploads/receive-upload";
import { uploadPath } from "@/lib/uploads/upload-files";

const URL_BASE = "http://localhost/api/datasets/inspect";
const BOUNDARY = "----outport-test-boundary";
let dir = "";

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "outport-upload-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Part = { name: string; value: string | Buffer; fileName?: string; type?: string };

function multipart(parts: Part[], { end = true } = {}): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.fileName !== undefined ? `; filename="${part.fileName}"` : ""}`;
    const type = part.type ? `Content-Type: ${part.type}\r\n` : "";
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    chunks.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value));
    chunks.push(Buffer.from("\r\n"));
  }
  if (end) chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/** A body streamed in small chunks, as a network would deliver it; `fail` errors it after the chunks. */
function streamed(data: Buffer, { fail = false, chunk = 1000 } = {}): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= data.length) {
        if (fail) controller.error(Object.assign(new Error("aborted"), { code: "ECONNRESET" }));
        else controller.close();
        return;
      }
      controller.enqueue(new Uint8Array(data.subarray(offset, offset + chunk)));
      offset += chunk;
    },
  });
}

function request(
  body: Buffer | ReadableStream<Uint8Array>,
  headers: Record<string, string>,
  { url = URL_BASE, signal }: { url?: string; signal?: AbortSignal } = {},
): Request {
  const stream = Buffer.isBuffer(body) ? streamed(body) : body;
  // `duplex` is required for a streamed body but missing from the DOM RequestInit type.
  return new Request(url, { method: "POST", body: stream, headers, signal, duplex: "half" } as RequestInit);
}

const multipartType = { "content-type": `multipart/form-data; boundary=${BOUNDARY}` };

async function refusal(promise: Promise<unknown>): Promise<{ status: string; key: string; fields: string[] }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, "the upload should have been refused").toBeInstanceOf(AppError);
  const app = error as AppError;
  return { status: app.code, key: app.messageKey, fields: (app.options.errors ?? []).map((e) => e.field) };
}

async function leftOver(): Promise<string[]> {
  return readdir(dir);
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

describe("receiveUpload: multipart", () => {
  it("writes the file part to the upload folder, hashed and counted, and keeps the metadata", async () => {
    const file = Buffer.from('{"a":1}\n{"a":2}\n'.repeat(500));
    const body = multipart([
      { name: "metadata", value: '{"format":"ndjson"}' },
      { name: "file", value: file, fileName: "../../etc/rows.ndjson", type: "application/x-ndjson; charset=utf-8" },
    ]);
    const { upload, fields } = await receiveUpload(request(body, multipartType), { maxBytes: 1_000_000, dir });
    expect(fields).toEqual({ metadata: '{"format":"ndjson"}' });
    expect(upload).toMatchObject({
      fileName: "rows.ndjson",
      size: file.length,
      sha256: sha256(file),
      contentType: "application/x-ndjson",
    });
    expect(await readFile(uploadPath(upload.key, dir))).toEqual(file);
    expect(await leftOver()).toEqual([`${upload.key}.upload`]);
  });

  it("takes a file exactly at the limit and refuses one byte more with 413 naming the limit", async () => {
    const limit = 4096;
    const ok = await receiveUpload(
      request(multipart([{ name: "file", value: Buffer.alloc(limit, 97), fileName: "a.csv" }]), multipartType),
      { maxBytes: limit, dir },
    );
    expect(ok.upload.size).toBe(limit);
    await rm(uploadPath(ok.upload.key, dir));
    const over = multipart([{ name: "file", value: Buffer.alloc(limit + 1, 97), fileName: "a.csv" }]);
    expect(await refusal(receiveUpload(request(over, multipartType), { maxBytes: limit, dir }))).toMatchObject({
      status: "payload_too_large",
      key: "upload.error.tooLarge",
      fields: ["file"],
    });
    const big = multipart([{ name: "file", value: Buffer.alloc(limit * 50, 97), fileName: "a.csv" }]);
    expect((await refusal(receiveUpload(request(big, multipartType), { maxBytes: limit, dir }))).status).toBe(
      "payload_too_large",
    );
    expect(await leftOver()).toEqual([]);
  });

  it("refuses a body without a file part (422 file), two files, unknown parts and an over-large metadata", async () => {
    const cases: [Part[], string, string][] = [
      [[{ name: "metadata", value: "{}" }], "upload.error.noFile", "file"],
      [
        [
          { name: "file", value: "a\n1\n", fileName: "a.csv" },
          { name: "file", value: "b\n2\n", fileName: "b.csv" },
        ],
        "upload.error.oneFile",
        "file",
      ],
      [
        [
          { name: "file", value: "a\n1\n", fileName: "a.csv" },
          { name: "title", value: "x" },
        ],
        "upload.error.unknownPart",
        "title",
      ],
      [[{ name: "upload", value: "a\n1\n", fileName: "a.csv" }], "upload.error.unknownPart", "upload"],
      [
        [
          { name: "metadata", value: "x".repeat(300 * 1024) },
          { name: "file", value: "a\n1\n", fileName: "a.csv" },
        ],
        "upload.error.unknownPart",
        "metadata",
      ],
      [[{ name: "file", value: "", fileName: "a.csv" }], "upload.error.empty", "file"],
    ];
    for (const [parts, key, field] of cases) {
      const found = await refusal(
        receiveUpload(request(multipart(parts), multipartType), { maxBytes: 1_000_000, dir }),
      );
      expect(found, key).toMatchObject({ status: "invalid", key, fields: [field] });
      expect(await leftOver(), key).toEqual([]);
    }
  });

  it("refuses a malformed body and one cut short with 400, and removes the partial file", async () => {
    const noBoundary = await refusal(
      receiveUpload(request(Buffer.from("x"), { "content-type": "multipart/form-data" }), { maxBytes: 1000, dir }),
    );
    expect(noBoundary).toMatchObject({ status: "bad_request", key: "upload.error.malformed" });
    const garbage = Buffer.from(`--${BOUNDARY}\r\nthis is no header\r\n\r\n` + "y".repeat(5000));
    expect((await refusal(receiveUpload(request(garbage, multipartType), { maxBytes: 100_000, dir }))).status).toBe(
      "bad_request",
    );
    const cut = multipart([{ name: "file", value: Buffer.alloc(50_000, 98), fileName: "a.csv" }], { end: false });
    const cutShort = await refusal(
      receiveUpload(request(cut.subarray(0, 30_000), multipartType), { maxBytes: 100_000, dir }),
    );
    expect(cutShort).toMatchObject({ status: "bad_request", key: "upload.error.incomplete" });
    expect(await leftOver()).toEqual([]);
  });

  it("stops and removes the partial file when the client goes away mid-body", async () => {
    const body = multipart([{ name: "file", value: Buffer.alloc(200_000, 99), fileName: "a.csv" }]);
    const broken = streamed(body.subarray(0, 120_000), { fail: true });
    const found = await refusal(receiveUpload(request(broken, multipartType), { maxBytes: 1_000_000, dir }));
    expect(found.status).toBe("bad_request");
    expect(await leftOver()).toEqual([]);

    const controller = new AbortController();
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(
          new Uint8Array(multipart([{ name: "file", value: "", fileName: "a.csv" }], { end: false }).subarray(0, 120)),
        );
      },
      pull(c) {
        sent += 1;
        if (sent === 20) controller.abort();
        c.enqueue(new Uint8Array(1000).fill(100));
        return new Promise((resolve) => setTimeout(resolve, 1));
      },
    });
    const aborted = await refusal(
      receiveUpload(request(endless, multipartType, { signal: controller.signal }), { maxBytes: 10_000_000, dir }),
    );
    expect(aborted).toMatchObject({ status: "bad_request", key: "upload.error.incomplete" });
    expect(await leftOver()).toEqual([]);
  });
});

describe("receiveUpload: a plain body", () => {
  it("writes the body as the file, named by ?file_name= or Content-Disposition", async () => {
    const file = Buffer.from("name,amount\nA,1\nB,2\n".repeat(1000));
    const byQuery = await receiveUpload(
      request(
        file,
        { "content-type": "text/csv; charset=utf-8" },
        { url: `${URL_BASE}?file_name=%EB%A7%A4%EC%B6%9C.csv` },
      ),
      { maxBytes: 1_000_000, dir },
    );
    expect(byQuery.upload).toMatchObject({
      fileName: "매출.csv",
      size: file.length,
      sha256: sha256(file),
      contentType: "text/csv",
    });
    expect(byQuery.fields).toEqual({});
    expect(await readFile(uploadPath(byQuery.upload.key, dir))).toEqual(file);
    const byHeader = await receiveUpload(
      request(file, {
        "content-type": "application/octet-stream",
        "content-disposition": `attachment; filename="rows.parquet"`,
      }),
      { maxBytes: 1_000_000, dir },
    );
    expect(byHeader.upload.fileName).toBe("rows.parquet");
    const unnamed = await receiveUpload(request(file, { "content-type": "application/json" }), {
      maxBytes: 1_000_000,
      dir,
    });
    expect(unnamed.upload.fileName).toBe("upload");
  });

  it("refuses a body past the limit (declared or counted), another media type, and an empty body", async () => {
    const over = Buffer.alloc(2001, 65);
    expect(
      await refusal(receiveUpload(request(over, { "content-type": "text/csv" }), { maxBytes: 2000, dir })),
    ).toMatchObject({ status: "payload_too_large", key: "upload.error.tooLarge" });
    expect(
      (
        await refusal(
          receiveUpload(request(over, { "content-type": "text/csv", "content-length": "2001" }), {
            maxBytes: 2000,
            dir,
          }),
        )
      ).status,
    ).toBe("payload_too_large");
    expect(
      (await refusal(receiveUpload(request(over, { "content-type": "text/html" }), { maxBytes: 5000, dir }))).status,
    ).toBe("unsupported_media_type");
    expect((await refusal(receiveUpload(request(over, {}), { maxBytes: 5000, dir }))).status).toBe(
      "unsupported_media_type",
    );
    expect(
      await refusal(receiveUpload(request(Buffer.alloc(0), { "content-type": "text/csv" }), { maxBytes: 5000, dir })),
    ).toMatchObject({ status: "invalid", key: "upload.error.empty", fields: ["file"] });
    expect(await leftOver()).toEqual([]);
  });

  it("refuses a body that breaks off or ends before its declared length with 400, leaving nothing", async () => {
    const broken = streamed(Buffer.alloc(50_000, 66), { fail: true });
    expect(
      (await refusal(receiveUpload(request(broken, { "content-type": "text/csv" }), { maxBytes: 1_000_000, dir }))).key,
    ).toBe("upload.error.incomplete");
    const short = request(Buffer.alloc(1000, 66), { "content-type": "text/csv", "content-length": "5000" });
    expect((await refusal(receiveUpload(short, { maxBytes: 1_000_000, dir }))).status).toBe("bad_request");
    expect(await leftOver()).toEqual([]);
  });
});

describe("names and limits", () => {
  it("keeps only the last segment of a file name, without control characters", () => {
    expect(cleanFileName("C:\\Users\\kim\\sales.csv")).toBe("sales.csv");
    expect(cleanFileName("a\u0000b\r\n.csv")).toBe("ab.csv");
    expect(cleanFileName("..")).toBeNull();
    expect(cleanFileName("x".repeat(400))).toHaveLength(255);
  });

  it("reads filename* before filename", () => {
    expect(dispositionFileName(`attachment; filename="a.csv"; filename*=UTF-8''%ED%95%9C.csv`)).toBe("한.csv");
    expect(dispositionFileName(`inline; filename="q\\"uote.csv"`)).toBe('q"uote.csv');
    expect(dispositionFileName(`attachment; filename=plain.csv`)).toBe("plain.csv");
    expect(dispositionFileName(null)).toBeNull();
  });

  it("names the limit in MB", () => {
    expect(megabytes(1024 * 1024 * 1024)).toBe(1024);
    expect(megabytes(5 * 1024 * 1024)).toBe(5);
  });
});
