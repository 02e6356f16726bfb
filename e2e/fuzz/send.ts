// Sends the fuzz requests with node:http (not fetch, not the browser): the request target
// goes out byte for byte, headers are whatever the plan says (Host included), and every
// request has a deadline after which it is aborted and reported.
import http from "node:http";
import net from "node:net";
import type { FuzzRequest, Role } from "./generate";

export type Server = { host: string; port: number; localAddress?: string };

export type Answer = {
  status: number | null;
  /** Status line and headers as text, for the leak rules. */
  head: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  ms: number;
  error?: string;
  timedOut?: boolean;
  /** The server ended the connection in the middle of the answer's body. */
  cutShort?: boolean;
  /** The request went out on a kept-alive socket that failed before any answer. */
  reusedSocket?: boolean;
};

/** How much of a body is read and checked; the rest is dropped (an export can be large). */
const BODY_LIMIT = 1024 * 1024;

export function agentFor(server: Server, sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, localAddress: server.localAddress });
}

/** A string whose characters are the bytes of `text` in UTF-8 (Node writes the request head as latin1). */
export function wireForm(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

export function send(
  server: Server,
  agent: http.Agent | undefined,
  request: { method: string; path: string; headers: Record<string, string>; body?: Buffer },
  timeoutMs: number,
): Promise<Answer> {
  const started = Date.now();
  return new Promise<Answer>((resolve) => {
    let settled = false;
    const chunks: Buffer[] = [];
    let size = 0;
    let status: number | null = null;
    let head = "";
    let headers: http.IncomingHttpHeaders = {};
    const finish = (extra: Partial<Answer> = {}) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ status, head, headers, body: Buffer.concat(chunks), ms: Date.now() - started, ...extra });
    };
    const outgoing = { ...request.headers };
    if (request.body) outgoing["content-length"] = String(request.body.length);
    if (!("host" in outgoing)) outgoing.host = `${server.host}:${server.port}`;
    let req: http.ClientRequest;
    try {
      req = http.request({
        host: server.host,
        port: server.port,
        method: request.method,
        path: wireForm(request.path),
        headers: outgoing,
        agent: agent ?? false,
        localAddress: agent ? undefined : server.localAddress,
        setHost: false,
        // The answer's headers are checked, not limited: a long Location is not our failure.
        maxHeaderSize: 1024 * 1024,
      });
    } catch (error) {
      finish({ error: `client refused the request: ${(error as Error).message}` });
      return;
    }
    const timer = setTimeout(() => {
      finish({ timedOut: true, error: `no complete answer within ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on("response", (res) => {
      status = res.statusCode ?? null;
      headers = res.headers;
      head = `HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}\n`;
      for (let i = 0; i < res.rawHeaders.length; i += 2) head += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\n`;
      res.on("data", (chunk: Buffer) => {
        if (size >= BODY_LIMIT) return;
        chunks.push(chunk);
        size += chunk.length;
        if (size >= BODY_LIMIT) {
          finish();
          res.destroy();
        }
      });
      res.on("end", () => finish());
      // The server closed the answer before its end (a stream that stopped after its head).
      res.on("error", () => finish({ cutShort: true }));
      res.on("close", () => finish(res.complete ? {} : { cutShort: true }));
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      // A reply already received (e.g. 400 then close) is the answer; otherwise report.
      if (status !== null) finish();
      else finish({ error: `${error.code ?? "error"}: ${error.message}`, reusedSocket: req.reusedSocket });
    });
    if (request.body) req.end(request.body);
    else req.end();
  });
}

/** Sends again once when a kept-alive socket was closed under us (a race, not the app's answer). */
export async function sendWithRetry(
  server: Server,
  agent: http.Agent,
  request: { method: string; path: string; headers: Record<string, string>; body?: Buffer },
  timeoutMs: number,
): Promise<Answer> {
  const answer = await send(server, agent, request, timeoutMs);
  if (answer.status === null && answer.reusedSocket && !answer.timedOut)
    return send(server, undefined, request, timeoutMs);
  return answer;
}

/** Splits Set-Cookie headers into name=value pairs. */
function cookiesFrom(headers: http.IncomingHttpHeaders): Map<string, string> {
  const jar = new Map<string, string>();
  for (const line of headers["set-cookie"] ?? []) {
    const pair = line.split(";")[0] ?? "";
    const eq = pair.indexOf("=");
    if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return jar;
}

export type Csrf = { token: string; cookie: string };

export async function fetchCsrf(server: Server): Promise<Csrf> {
  const answer = await send(server, undefined, { method: "GET", path: "/api/auth/csrf", headers: {} }, 10_000);
  if (answer.status !== 200) throw new Error(`GET /api/auth/csrf answered ${answer.status} ${answer.error ?? ""}`);
  const token = (JSON.parse(answer.body.toString("utf8")) as { csrfToken: string }).csrfToken;
  const cookie = [...cookiesFrom(answer.headers)].map(([name, value]) => `${name}=${value}`).join("; ");
  return { token, cookie };
}

/**
 * Signs in the way a script does (docs/http-api.md): a CSRF token, then the credentials
 * form. Returns the session cookie ("name=value").
 */
export async function signInCookie(server: Server, email: string, password: string): Promise<string> {
  const csrf = await fetchCsrf(server);
  const form = new URLSearchParams({ csrfToken: csrf.token, email, password, json: "true" }).toString();
  const answer = await send(
    server,
    undefined,
    {
      method: "POST",
      path: "/api/auth/callback/credentials",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf.cookie },
      body: Buffer.from(form),
    },
    15_000,
  );
  const session = [...cookiesFrom(answer.headers)].find(([name]) => name.endsWith("next-auth.session-token"));
  if (!session) throw new Error(`sign-in as ${email} answered ${answer.status} without a session cookie`);
  return `${session[0]}=${session[1]}`;
}

/** Whether this machine lets us connect from another loopback address (Linux does). */
export function canBind(server: Server, localAddress: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: server.host, port: server.port, localAddress });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export type Resolved = { method: string; path: string; headers: Record<string, string>; body?: Buffer };

export type Known = { sessions: Record<Role, string | null>; jobs: string[]; tokens: string[]; csrf: Csrf };

/** Fills a plan entry's placeholders with what the server has (jobs, tokens, the CSRF pair). */
export function resolve(request: FuzzRequest, known: Known): Resolved {
  const fill = (text: string) =>
    text
      .replace(/\{\{job:(\d+)\}\}/g, (_, n: string) =>
        known.jobs.length ? known.jobs[Number(n) % known.jobs.length]! : "00000000-0000-4000-a000-000000000000",
      )
      .replace(/\{\{token:(\d+)\}\}/g, (_, n: string) =>
        known.tokens.length ? known.tokens[Number(n) % known.tokens.length]! : "no-token",
      )
      .replace(/\{\{csrf\}\}/g, encodeURIComponent(known.csrf.token));
  const bodyText = request.body?.toString("utf8");
  const usesCsrf = bodyText?.includes("{{csrf}}") ?? false;
  const cookies: string[] = [];
  const session = known.sessions[request.role];
  if (session && request.withSession) cookies.push(session);
  if (usesCsrf) cookies.push(known.csrf.cookie);
  cookies.push(...request.extraCookies);
  const headers = { ...request.headers };
  if (cookies.length) headers.cookie = cookies.join("; ");
  return {
    method: request.method,
    path: fill(request.path),
    headers,
    body: bodyText === undefined ? undefined : usesCsrf ? Buffer.from(fill(bodyText)) : request.body,
  };
}
