// The HTTP server in front of Next's request handler. It refuses, with a 4xx, requests that
// would otherwise fail inside Next before any of our code runs (an invalid %-escape in the
// path, TRACE and other methods we do not serve, `OPTIONS *`, a body larger than anything
// we accept), bounds how long a client may take to send its headers and its body (408),
// and tells the app the connection's peer address (PEER_HEADER, never a client's copy).
// The upload routes (lib/http/upload-routes.ts) take files: multipart or a plain body up to
// the import limit, and their body may take as long as it needs while bytes keep coming.
import { createServer, METHODS, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { config } from "../config";
import { translate, type MessageKey, type MessageParams } from "../i18n";
import { megabytes } from "../uploads/receive-upload";
import { PEER_HEADER, PEER_HEADER_SET_BY_EDGE } from "./client-address";
import { HTTP_METHODS, isHttpMethod } from "./methods";
import { requestLocale } from "./request";
import { isUploadRoute, UPLOAD_OVERHEAD_BYTES } from "./upload-routes";

export type EdgeOptions = {
  /** The largest body any request may declare: a PDF request carries its charts (~6 MB). */
  maxBodyBytes: number;
  /** How long a client may take to send the whole request, body included. */
  requestTimeoutMs: number;
  /** How long a client may take to send the request line and headers. */
  headersTimeoutMs: number;
  /** The largest file an upload route takes (its body may carry a little more: the form around it). */
  maxUploadBytes: number;
  /** An upload's body may take any time, but not this long without a byte. */
  uploadIdleTimeoutMs: number;
};

export const EDGE_DEFAULTS: EdgeOptions = {
  maxBodyBytes: 8 * 1024 * 1024,
  requestTimeoutMs: 15_000,
  headersTimeoutMs: 10_000,
  maxUploadBytes: config.imports.maxFileBytes,
  uploadIdleTimeoutMs: 30_000,
};

/** What a page path answers to OPTIONS: pages are read, and posted to by server actions. */
const PAGE_METHODS = ["GET", "HEAD", "OPTIONS", "POST"];

export type EdgeRefusal = {
  status: number;
  key?: MessageKey;
  params?: MessageParams;
  allow?: readonly string[];
};

type RequestHead = { method?: string; url?: string; headers: IncomingMessage["headers"] };

function pathOf(url: string): string {
  const query = url.search(/[?#]/);
  return query === -1 ? url : url.slice(0, query);
}

/** Why the edge answers a request itself, or null to hand it to the app. */
export function edgeRefusal(req: RequestHead, options: EdgeOptions = EDGE_DEFAULTS): EdgeRefusal | null {
  const method = req.method ?? "";
  const url = req.url ?? "";
  if (!isHttpMethod(method)) {
    return {
      status: 405,
      key: "error.http.methodNotAllowed",
      params: { method: METHODS.includes(method) ? method : "?", allow: HTTP_METHODS.join(", ") },
      allow: HTTP_METHODS,
    };
  }
  if (url === "*") {
    if (method === "OPTIONS") return { status: 204, allow: HTTP_METHODS };
    return { status: 400, key: "error.http.badTarget" };
  }
  if (!url.startsWith("/")) return { status: 400, key: "error.http.badTarget" };
  // The app builds absolute URLs from Host: one that is missing or not a host name is a 400
  // here, not an "Invalid URL" in a page (HTTP/1.0 may leave it out; Node only insists on 1.1).
  if (!isHostHeader(req.headers.host)) return { status: 400, key: "error.http.badHost" };
  const path = pathOf(url);
  try {
    decodeURIComponent(path);
  } catch {
    return { status: 400, key: "error.http.badEscape" };
  }
  if (method === "OPTIONS" && !isApiPath(path)) return { status: 204, allow: PAGE_METHODS };
  const declared = req.headers["content-length"];
  if (isUploadRoute(method, path)) {
    if (declared !== undefined && Number(declared) > options.maxUploadBytes + UPLOAD_OVERHEAD_BYTES) {
      return { status: 413, key: "upload.error.tooLarge", params: { limit: megabytes(options.maxUploadBytes) } };
    }
    return null;
  }
  // Next reads a multipart POST to a page (or to a path no route serves, which renders the
  // not-found page) as a form submitted without JavaScript to a server action, and answers
  // 500 when the body is not valid multipart. Our pages call their actions from script only
  // (with a Next-Action header) and only the upload routes take multipart, so such a post
  // is refused.
  if (method === "POST" && !req.headers["next-action"] && isMultipart(req.headers["content-type"])) {
    return { status: 415, key: "error.http.noFormPosts" };
  }
  if (declared !== undefined && Number(declared) > options.maxBodyBytes) {
    return { status: 413, key: "error.http.tooLarge", params: { limit: options.maxBodyBytes } };
  }
  return null;
}

/** A host name (underscores and a final dot allowed, as proxies send them), IPv4 or bracketed IPv6 address, with an optional port. */
const HOST_HEADER =
  /^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

function isHostHeader(value: string | undefined): boolean {
  return value !== undefined && value.length <= 260 && HOST_HEADER.test(value);
}

function isMultipart(type: string | undefined): boolean {
  return (type ?? "").trim().toLowerCase().startsWith("multipart/");
}

function isApiPath(path: string): boolean {
  return path === "/api" || path.startsWith("/api/");
}

/** The body of the edge's own answer: JSON `{detail}` on /api paths (in the caller's language), text elsewhere. */
function refusalBody(req: RequestHead, key: MessageKey, params?: MessageParams): { type: string; body: string } {
  const locale = requestLocale(
    new Headers({
      cookie: String(req.headers.cookie ?? ""),
      "accept-language": String(req.headers["accept-language"] ?? ""),
    }),
  );
  const detail = translate(locale, key, params);
  const api = isApiPath(pathOf(req.url ?? "/"));
  return api
    ? { type: "application/json", body: JSON.stringify({ detail }) }
    : { type: "text/plain; charset=utf-8", body: `${detail}\n` };
}

/** The edge's own answer: JSON `{detail}` on /api paths (in the caller's language), text elsewhere. */
export function sendRefusal(req: RequestHead, res: ServerResponse, refusal: EdgeRefusal): void {
  const headers: Record<string, string> = {};
  if (refusal.allow) headers.Allow = refusal.allow.join(", ");
  // A refused request's body is not read: the connection is not reused for another.
  if (refusal.status >= 400) headers.Connection = "close";
  if (!refusal.key) {
    res.writeHead(refusal.status, headers).end();
    return;
  }
  const { type, body } = refusalBody(req, refusal.key, refusal.params);
  headers["Content-Type"] = type;
  headers["Content-Length"] = String(Buffer.byteLength(body));
  res.writeHead(refusal.status, headers).end(body);
}

/**
 * Ends a request whose body stopped coming: a 408 written straight to the socket (the app
 * may be in the middle of reading the body, so its response is never used), then the
 * connection closed, which makes the app's body read fail and its handler clean up.
 */
function timeOut(req: IncomingMessage, res: ServerResponse, key?: MessageKey, params?: MessageParams): void {
  const socket = req.socket;
  if (res.headersSent || socket.destroyed) {
    socket.destroy();
    return;
  }
  const answer = key ? refusalBody(req, key, params) : null;
  const body = answer?.body ?? "";
  const head = [
    "HTTP/1.1 408 Request Timeout",
    "Connection: close",
    ...(answer ? [`Content-Type: ${answer.type}`] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  socket.end(`${head.join("\r\n")}\r\n\r\n${body}`);
  socket.destroySoon();
}

/**
 * The time limits of a request's body. Node's own `requestTimeout` holds for every request
 * on a server alike, so the edge keeps it off and times each request itself: an ordinary
 * request must be whole within `requestTimeoutMs`; an upload may take as long as it needs
 * while bytes keep coming, and is ended after `uploadIdleTimeoutMs` without one.
 */
function limitBodyTime(req: IncomingMessage, res: ServerResponse, options: EdgeOptions): void {
  if (isUploadRoute(req.method ?? "", pathOf(req.url ?? "/"))) {
    const idle = options.uploadIdleTimeoutMs;
    // The socket's idle timer; Node emits `timeout` on the request only while it is not
    // complete. Once it is (or the answer is done) the timer is put off: a long inspect of
    // a received file sends no bytes, and is no idle client.
    req.setTimeout(idle, () => timeOut(req, res, "upload.error.idle", { seconds: Math.round(idle / 1000) }));
    // Without a listener here, Node would close an idle socket whose request is complete.
    res.on("timeout", () => undefined);
    const stop = () => req.socket?.setTimeout(0);
    req.once("end", stop);
    res.once("close", stop);
    return;
  }
  const timer = setTimeout(() => {
    if (!req.complete) timeOut(req, res);
  }, options.requestTimeoutMs);
  timer.unref();
  res.once("close", () => clearTimeout(timer));
}

export type AppHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/**
 * An HTTP server that answers malformed requests itself and hands the rest to `handler`
 * (Next's). Node itself answers over-long headers (431), unparsable requests (400) and
 * requests slower than the timeouts (408).
 */
export function createEdgeServer(options: EdgeOptions = EDGE_DEFAULTS): {
  server: Server;
  setHandler: (handler: AppHandler) => void;
} {
  let handler: AppHandler | undefined;
  // The app in this process may now take PEER_HEADER as this server's word.
  process.env[PEER_HEADER_SET_BY_EDGE] = "1";
  const server = createServer({
    // Bodies are timed per request (limitBodyTime): uploads by idleness, the rest as a whole.
    requestTimeout: 0,
    headersTimeout: options.headersTimeoutMs,
    // How often Node looks for requests past the timeouts (default 30 s).
    connectionsCheckingInterval: 1000,
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    // Only we say who the peer is.
    delete req.headers[PEER_HEADER];
    if (req.socket.remoteAddress) req.headers[PEER_HEADER] = req.socket.remoteAddress;
    const refusal = edgeRefusal(req, options);
    if (refusal) return sendRefusal(req, res, refusal);
    if (!handler) return sendRefusal(req, res, { status: 503 });
    limitBodyTime(req, res, options);
    Promise.resolve(handler(req, res)).catch((error: unknown) => {
      // A client that went away (or was cut off by the body timeout) is not our error.
      const code = (error as { code?: unknown } | null)?.code;
      if (code !== "ECONNRESET" && code !== "ECONNABORTED") console.error("Unhandled error in a request:", error);
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" }).end("Internal Server Error\n");
      else res.destroy();
    });
  });
  // CONNECT (a proxy tunnel) arrives here, not as a request: refuse it like TRACE.
  server.on("connect", (_req: IncomingMessage, socket: Socket) => {
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\nAllow: ${HTTP_METHODS.join(", ")}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
  });
  return { server, setHandler: (next) => (handler = next) };
}
