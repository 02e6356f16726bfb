// The HTTP server in front of Next's request handler. It refuses, with a 4xx, requests that
// would otherwise fail inside Next before any of our code runs (an invalid %-escape in the
// path, TRACE and other methods we do not serve, `OPTIONS *`, a body larger than anything
// we accept), bounds how long a client may take to send its headers and its body (408),
// and tells the app the connection's peer address (PEER_HEADER, never a client's copy).
import { createServer, METHODS, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { translate, type MessageKey, type MessageParams } from "../i18n";
import { PEER_HEADER, PEER_HEADER_SET_BY_EDGE } from "./client-address";
import { HTTP_METHODS, isHttpMethod } from "./methods";
import { requestLocale } from "./request";

export type EdgeOptions = {
  /** The largest body any request may declare: a PDF request carries its charts (~6 MB). */
  maxBodyBytes: number;
  /** How long a client may take to send the whole request, body included. */
  requestTimeoutMs: number;
  /** How long a client may take to send the request line and headers. */
  headersTimeoutMs: number;
};

export const EDGE_DEFAULTS: EdgeOptions = {
  maxBodyBytes: 8 * 1024 * 1024,
  requestTimeoutMs: 15_000,
  headersTimeoutMs: 10_000,
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
  // Next reads a multipart POST to a page (or to a path no route serves, which renders the
  // not-found page) as a form submitted without JavaScript to a server action, and answers
  // 500 when the body is not valid multipart. Our pages call their actions from script only
  // (with a Next-Action header) and no API route takes multipart, so such a post is refused.
  if (method === "POST" && !req.headers["next-action"] && isMultipart(req.headers["content-type"])) {
    return { status: 415, key: "error.http.noFormPosts" };
  }
  const declared = req.headers["content-length"];
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
  const locale = requestLocale(
    new Headers({
      cookie: String(req.headers.cookie ?? ""),
      "accept-language": String(req.headers["accept-language"] ?? ""),
    }),
  );
  const detail = translate(locale, refusal.key, refusal.params);
  const api = isApiPath(pathOf(req.url ?? "/"));
  const body = api ? JSON.stringify({ detail }) : `${detail}\n`;
  headers["Content-Type"] = api ? "application/json" : "text/plain; charset=utf-8";
  headers["Content-Length"] = String(Buffer.byteLength(body));
  res.writeHead(refusal.status, headers).end(body);
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
    requestTimeout: options.requestTimeoutMs,
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
