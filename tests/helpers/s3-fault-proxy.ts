// An HTTP proxy in front of the test s3rver that fails the way a real bucket does, so the
// S3 store is tested against real S3-protocol failures with nothing of the SDK replaced.
// Requests and answers are piped through as streams. A fault picks the requests it hits
// (uploads by default) and, once a budget of upload bytes has gone through, answers them
// with an S3-style XML error (a full bucket, a quota, a refusal), closes their connection
// mid-body (a reset) or never answers (a stall). `down()` closes every connection as soon
// as it is accepted.
//
// s3rver has no AbortMultipartUpload (it answers 405 and keeps the parts in a folder of its
// own), so the proxy answers that request itself as S3 does: it removes the upload's parts
// from s3rver's folder and records the abort. `leftoverUploads()` lists the uploads whose
// parts are still there, which is how a test sees an upload left half-done.
import { readdirSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import path from "node:path";
import type { S3TestServer } from "./s3-server";

/** What a request is, by method, query and headers (the S3 operations the store uses). */
export type S3Request =
  | "PutObject"
  | "CreateMultipartUpload"
  | "UploadPart"
  | "CompleteMultipartUpload"
  | "AbortMultipartUpload"
  | "CopyObject"
  | "Other";

/** The error answers a fault can give, with the status real S3-compatible stores send them with. */
export const S3_ERRORS = {
  InsufficientStorage: 507, // the storage has no room left (S3, MinIO)
  QuotaExceeded: 403, // the bucket's or user's quota is used up (Ceph RGW, some others)
  EntityTooLarge: 400, // the object would exceed what the store accepts
  AccessDenied: 403, // the credentials may not do this
} as const;
export type S3ErrorCode = keyof typeof S3_ERRORS;

export type Fault = {
  /** The requests it hits; uploads (PutObject, UploadPart, CompleteMultipartUpload) by default. */
  on?: S3Request[];
  /**
   * Bytes of upload bodies let through first (by their Content-Length). An upload that would
   * go past the budget is hit; a CompleteMultipartUpload is hit once the budget is spent. 0
   * by default: the very first one is hit.
   */
  afterBytes?: number;
  /**
   * An S3 error answer; "reset": the connection closed after the first bytes of the body;
   * "stall": the body read, then no answer at all (the connection stays open, silent).
   */
  answer: S3ErrorCode | "reset" | "stall";
};

export type S3FaultProxy = {
  endpoint: string;
  /** Sets the fault (its byte budget starts now); null lets everything through again. */
  fault(fault: Fault | null): void;
  /** Every connection is closed as soon as it is accepted, until `up()`. */
  down(): void;
  up(): void;
  /** The requests seen since the proxy started, and what became of them. */
  readonly seen: Array<{ request: S3Request; hit: boolean }>;
  /** Upload ids whose parts are still in s3rver's folder (neither completed nor aborted). */
  leftoverUploads(): string[];
  stop(): Promise<void>;
};

const UPLOADS = new Set<S3Request>(["PutObject", "UploadPart", "CompleteMultipartUpload"]);

function classify(request: http.IncomingMessage): S3Request {
  const query = new URL(request.url ?? "/", "http://proxy").searchParams;
  if (request.method === "PUT" && request.headers["x-amz-copy-source"]) return "CopyObject";
  if (request.method === "PUT" && query.has("uploadId")) return "UploadPart";
  if (request.method === "PUT") return "PutObject";
  if (request.method === "POST" && query.has("uploads")) return "CreateMultipartUpload";
  if (request.method === "POST" && query.has("uploadId")) return "CompleteMultipartUpload";
  if (request.method === "DELETE" && query.has("uploadId")) return "AbortMultipartUpload";
  return "Other";
}

/** The body's length: the decoded one of an aws-chunked body, else Content-Length. */
function bodyLength(request: http.IncomingMessage): number {
  const header = request.headers["x-amz-decoded-content-length"] ?? request.headers["content-length"];
  return Number(Array.isArray(header) ? header[0] : (header ?? 0)) || 0;
}

function errorXml(code: S3ErrorCode): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code>` +
    `<Message>The test proxy refused this request (${code}).</Message><RequestId>fault-proxy</RequestId></Error>`
  );
}

export async function startS3FaultProxy(target: S3TestServer): Promise<S3FaultProxy> {
  const upstream = new URL(target.endpoint);
  const uploadsDir = path.join(target.directory, target.bucket, "._S3rver_uploads");
  const seen: S3FaultProxy["seen"] = [];
  const sockets = new Set<Socket>();
  let current: Fault | null = null;
  let spent = 0;
  let isDown = false;

  const hits = (request: S3Request, length: number): boolean => {
    if (!current) return false;
    const budget = current.afterBytes ?? 0;
    const over = request === "CompleteMultipartUpload" || length === 0 ? spent >= budget : spent + length > budget;
    if (over && (current.on ?? [...UPLOADS]).includes(request)) return true;
    if (UPLOADS.has(request)) spent += length;
    return false;
  };

  const server = http.createServer((request, response) => {
    const kind = classify(request);
    const length = bodyLength(request);
    const hit = hits(kind, length);
    seen.push({ request: kind, hit });

    const answer = hit ? current?.answer : undefined;
    if (answer === "reset") {
      // Closed once the body has started to arrive: the client is cut off mid-request.
      request.once("data", () => request.socket.destroy());
      request.once("end", () => request.socket.destroy());
      return;
    }
    if (answer === "stall") {
      request.resume(); // and never a word back
      return;
    }
    if (answer) {
      // The body is read to its end first, as S3 does before it answers an upload.
      request.resume();
      request.once("end", () => {
        response.writeHead(S3_ERRORS[answer], { "content-type": "application/xml" });
        response.end(errorXml(answer));
      });
      return;
    }
    if (kind === "AbortMultipartUpload") {
      const uploadId = new URL(request.url ?? "/", "http://proxy").searchParams.get("uploadId") ?? "";
      request.resume();
      request.once("end", () => {
        if (/^[A-Za-z0-9_-]+$/.test(uploadId))
          rmSync(path.join(uploadsDir, uploadId), { recursive: true, force: true });
        response.writeHead(204);
        response.end();
      });
      return;
    }

    // As the client sent them (its signature covers them), less the 100-continue handshake,
    // which this server has already answered.
    const { expect: _continue, ...headers } = request.headers;
    const forwarded = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on("error", () => response.destroy());
    request.pipe(forwarded);
  });
  server.on("connection", (socket) => {
    if (isDown) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    fault(fault) {
      current = fault;
      spent = 0;
    },
    down() {
      isDown = true;
      for (const socket of sockets) socket.destroy(); // kept-alive connections too
    },
    up() {
      isDown = false;
    },
    leftoverUploads() {
      try {
        return readdirSync(uploadsDir);
      } catch {
        return []; // no multipart upload was ever started
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An endpoint on a port nothing listens on: connections to it are refused. */
export async function closedEndpoint(): Promise<string> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
