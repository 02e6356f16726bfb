// Requests no HTTP client would send, written to a socket as they are: `OPTIONS *`, TRACE,
// invalid escapes in the path as it is (no normalisation), broken framing, and a body
// shorter than its Content-Length (the server must give up on it with a 4xx).
import net from "node:net";
import type { Server } from "./send";

export type RawProbe = {
  name: string;
  /** The request bytes; {{host}} and {{session}} are filled in when it is sent. */
  text: string;
  timeoutMs: number;
  /** The server may close the connection without an answer (Node's way with CONNECT). */
  mayClose?: boolean;
  /** Reported on its own: a body that never arrives (the body timeout). */
  slowBody?: boolean;
};

const CRLF = "\r\n";
const request = (line: string, headers: string[] = [], body = "") =>
  [line, "Host: {{host}}", ...headers, "Connection: close", "", body].join(CRLF);

export function rawProbes(): RawProbe[] {
  const t = 10_000;
  const probes: RawProbe[] = [
    { name: "OPTIONS *", text: request("OPTIONS * HTTP/1.1"), timeoutMs: t },
    { name: "TRACE /", text: request("TRACE / HTTP/1.1"), timeoutMs: t },
    { name: "TRACE /api/health", text: request("TRACE /api/health HTTP/1.1"), timeoutMs: t },
    {
      name: "TRACE /datasets (signed in)",
      text: request("TRACE /datasets HTTP/1.1", ["Cookie: {{session}}"]),
      timeoutMs: t,
    },
    { name: "TRACE * ", text: request("TRACE * HTTP/1.1"), timeoutMs: t },
    { name: "GET * ", text: request("GET * HTTP/1.1"), timeoutMs: t },
    { name: "status %ff", text: request("GET /api/export/status/%ff HTTP/1.1", ["Cookie: {{session}}"]), timeoutMs: t },
    {
      name: "status %c0%af",
      text: request("GET /api/export/status/%c0%af HTTP/1.1", ["Cookie: {{session}}"]),
      timeoutMs: t,
    },
    {
      name: "dataset %E0%A4%A",
      text: request("GET /api/datasets/%E0%A4%A HTTP/1.1", ["Cookie: {{session}}"]),
      timeoutMs: t,
    },
    { name: "page %ff", text: request("GET /datasets/%ff HTTP/1.1", ["Cookie: {{session}}"]), timeoutMs: t },
    { name: "lone %", text: request("GET /% HTTP/1.1"), timeoutMs: t },
    { name: "query %", text: request("GET /api/health?% HTTP/1.1"), timeoutMs: t },
    { name: "path-as-is ../", text: request("GET /api/../../../etc/passwd HTTP/1.1"), timeoutMs: t },
    { name: "path-as-is %2e%2e", text: request("GET /api/%2e%2e/%2e%2e/etc/passwd HTTP/1.1"), timeoutMs: t },
    { name: "double slash", text: request("GET //api//health HTTP/1.1"), timeoutMs: t },
    { name: "backslash", text: request("GET /\\evil.example/ HTTP/1.1"), timeoutMs: t },
    { name: "absolute-form", text: request("GET http://evil.example/api/health HTTP/1.1"), timeoutMs: t },
    { name: "HTTP/1.0 no Host", text: ["GET /api/health HTTP/1.0", "", ""].join(CRLF), timeoutMs: t },
    { name: "HTTP/9.9", text: request("GET / HTTP/9.9"), timeoutMs: t },
    { name: "lowercase method", text: request("get / HTTP/1.1"), timeoutMs: t },
    { name: "junk method", text: request("FOO / HTTP/1.1"), timeoutMs: t },
    { name: "garbage line", text: "GARBAGE" + CRLF + CRLF, timeoutMs: t },
    { name: "NUL in path", text: request("GET /api/\u0000 HTTP/1.1"), timeoutMs: t },
    { name: "header without colon", text: request("GET / HTTP/1.1", ["Bad Header"]), timeoutMs: t },
    { name: "header over 16 KB", text: request("GET / HTTP/1.1", [`X-Big: ${"b".repeat(20_000)}`]), timeoutMs: t },
    {
      name: "Content-Length and Transfer-Encoding",
      text: request(
        "POST /api/export/async HTTP/1.1",
        ["Content-Type: application/json", "Content-Length: 5", "Transfer-Encoding: chunked"],
        "0\r\n\r\n",
      ),
      timeoutMs: t,
    },
    {
      name: "bad chunk size",
      text: request(
        "POST /api/export/async HTTP/1.1",
        ["Cookie: {{session}}", "Content-Type: application/json", "Transfer-Encoding: chunked"],
        "zz\r\n{}\r\n0\r\n\r\n",
      ),
      timeoutMs: t,
    },
    {
      name: "negative Content-Length",
      text: request("POST /api/export/async HTTP/1.1", ["Content-Type: application/json", "Content-Length: -1"], "{}"),
      timeoutMs: t,
    },
    { name: "CONNECT", text: request("CONNECT 127.0.0.1:22 HTTP/1.1"), timeoutMs: t, mayClose: true },
    {
      name: "Content-Length larger than the body (signed in, export)",
      text: request(
        "POST /api/export/async HTTP/1.1",
        ["Cookie: {{session}}", "Content-Type: application/json", "Content-Length: 1000"],
        '{"dataset_id":',
      ),
      timeoutMs: 20_000,
      slowBody: true,
    },
    {
      name: "Content-Length larger than the body (signed in, direct export)",
      text: request(
        "POST /api/export/csv/1 HTTP/1.1",
        ["Cookie: {{session}}", "Content-Type: application/json", "Content-Length: 1000"],
        "{",
      ),
      timeoutMs: 20_000,
      slowBody: true,
    },
  ];
  return probes;
}

export type RawAnswer = { status: number | null; text: string; ms: number; error?: string; timedOut?: boolean };

export function sendRaw(server: Server, bytes: string, timeoutMs: number): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = net.connect({ host: server.host, port: server.port, localAddress: server.localAddress });
    const finish = (extra: Partial<RawAnswer> = {}) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString("latin1");
      const status = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(text);
      resolve({ status: status ? Number(status[1]) : null, text, ms: Date.now() - started, ...extra });
    };
    const timer = setTimeout(() => finish({ timedOut: true }), timeoutMs);
    socket.on("connect", () => socket.write(Buffer.from(bytes, "latin1")));
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      // The status line and headers are enough once the server has begun to answer a
      // request whose body never comes; otherwise read to the end (Connection: close).
      if (Buffer.concat(chunks).length > 256 * 1024) finish();
    });
    socket.on("end", () => finish());
    socket.on("close", () => finish());
    socket.on("error", (error: NodeJS.ErrnoException) => finish({ error: `${error.code ?? "error"}` }));
  });
}
