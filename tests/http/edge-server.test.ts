// The HTTP edge on its own: what it refuses before the app, and a real server on a random
// port (with short timeouts) in front of a small app that echoes what it was given.
import type { AddressInfo } from "node:net";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PEER_HEADER } from "@/lib/http/client-address";
import { createEdgeServer, EDGE_DEFAULTS, edgeRefusal } from "@/lib/http/edge-server";

const head = (method: string, url: string, headers: Record<string, string> = {}) => ({
  method,
  url,
  headers: { host: "127.0.0.1:3000", ...headers },
});

describe("edgeRefusal", () => {
  it("refuses invalid %-escapes in the path with 400", () => {
    for (const url of ["/api/export/status/%ff", "/api/x/%c0%af", "/datasets/%E0%A4%A", "/%"]) {
      expect(edgeRefusal(head("GET", url))?.status, url).toBe(400);
    }
    expect(edgeRefusal(head("GET", "/api/export/status/abc%20def?q=%ff"))).toBeNull();
  });

  it("refuses methods the server does not serve with 405 and Allow", () => {
    for (const method of ["TRACE", "TRACK", "PROPFIND", "BREW"]) {
      const refusal = edgeRefusal(head(method, "/api/health"));
      expect(refusal?.status, method).toBe(405);
      expect(refusal?.allow).toEqual(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]);
    }
  });

  it("answers OPTIONS * and OPTIONS on a page itself; an API route answers its own", () => {
    expect(edgeRefusal(head("OPTIONS", "*"))).toMatchObject({ status: 204 });
    expect(edgeRefusal(head("GET", "*"))?.status).toBe(400);
    expect(edgeRefusal(head("GET", "http://evil.example/"))?.status).toBe(400);
    expect(edgeRefusal(head("OPTIONS", "/login"))).toEqual({ status: 204, allow: ["GET", "HEAD", "OPTIONS", "POST"] });
    expect(edgeRefusal(head("OPTIONS", "/api/health"))).toBeNull();
  });

  it("refuses a missing, empty or malformed Host with 400", () => {
    for (const host of [undefined, "", " ", "evil.example/x", "a b", "[::1", "x".repeat(300), "h:99999999"]) {
      expect(edgeRefusal({ method: "GET", url: "/login", headers: { host } })?.status, String(host)).toBe(400);
    }
    for (const host of [
      "localhost",
      "127.0.0.1:3000",
      "[::1]:3000",
      "outport.example.com",
      "outport_web:3000",
      "a.example.",
    ]) {
      expect(edgeRefusal({ method: "GET", url: "/login", headers: { host } }), host).toBeNull();
    }
  });

  it("refuses a multipart post unless a script calls a server action (415)", () => {
    const multipart = { "content-type": "multipart/form-data; boundary=x" };
    expect(edgeRefusal(head("POST", "/login", multipart))?.status).toBe(415);
    expect(edgeRefusal(head("POST", "/api/export/async%00", { "content-type": "Multipart/Mixed" }))?.status).toBe(415);
    expect(edgeRefusal(head("POST", "/datasets/1", { ...multipart, "next-action": "abc" }))).toBeNull();
    expect(edgeRefusal(head("POST", "/datasets/1", { "content-type": "text/plain" }))).toBeNull();
  });

  it("lets multipart and large bodies through to the upload routes only", () => {
    const multipart = { "content-type": "multipart/form-data; boundary=x" };
    for (const url of ["/api/datasets", "/api/datasets/inspect", "/api/datasets/12/import?mode=replace"]) {
      expect(edgeRefusal(head("POST", url, multipart)), url).toBeNull();
      expect(
        edgeRefusal(head("POST", url, { ...multipart, "content-length": String(300 * 1024 * 1024) })),
        url,
      ).toBeNull();
      expect(
        edgeRefusal(head("POST", url, { "content-type": "text/csv", "content-length": "500000000" })),
        url,
      ).toBeNull();
    }
    for (const [method, url] of [
      ["POST", "/api/datasets/12"],
      ["POST", "/api/datasets/x/import"],
      ["POST", "/api/datasets/inspect/more"],
      ["PUT", "/api/datasets"],
      ["POST", "/datasets"],
      ["POST", "/api/export/async"],
    ] as const) {
      expect(edgeRefusal(head(method, url, multipart))?.status, `${method} ${url}`).toBe(
        method === "POST" ? 415 : undefined,
      );
      const large = { "content-type": "text/csv", "content-length": String(EDGE_DEFAULTS.maxBodyBytes + 1) };
      expect(edgeRefusal(head(method, url, large))?.status, `${method} ${url}`).toBe(413);
    }
  });

  it("refuses an upload declared past the import limit with 413 naming it in MB", () => {
    const options = { ...EDGE_DEFAULTS, maxUploadBytes: 10 * 1024 * 1024 };
    const refusal = edgeRefusal(head("POST", "/api/datasets", { "content-length": String(12 * 1024 * 1024) }), options);
    expect(refusal).toMatchObject({ status: 413, key: "upload.error.tooLarge", params: { limit: 10 } });
    // The form around a file at the limit still fits.
    expect(
      edgeRefusal(head("POST", "/api/datasets", { "content-length": String(10 * 1024 * 1024 + 2000) }), options),
    ).toBeNull();
  });

  it("refuses a declared body past the largest any route accepts with 413", () => {
    const over = String(EDGE_DEFAULTS.maxBodyBytes + 1);
    expect(edgeRefusal(head("POST", "/datasets/1", { "content-length": over }))?.status).toBe(413);
    expect(edgeRefusal(head("POST", "/datasets/1", { "content-length": "6000000" }))).toBeNull();
  });
});

describe("the edge server", () => {
  let port = 0;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const { server, setHandler } = createEdgeServer({
      maxBodyBytes: 1024,
      requestTimeoutMs: 1500,
      headersTimeoutMs: 1000,
      maxUploadBytes: 4 * 1024 * 1024,
      uploadIdleTimeoutMs: 1000,
    });
    setHandler(async (req, res) => {
      let body = "";
      for await (const chunk of req) body += String(chunk);
      const json = JSON.stringify({ peer: req.headers[PEER_HEADER], body });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) }).end(json);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(async () => close());

  function raw(request: string): Promise<{ text: string; seconds: number }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const socket = net.connect(port, "127.0.0.1", () => socket.write(request));
      let text = "";
      socket.on("data", (chunk) => (text += String(chunk)));
      socket.on("close", () => resolve({ text, seconds: (Date.now() - started) / 1000 }));
      socket.on("error", reject);
      socket.setTimeout(10_000, () => socket.destroy());
    });
  }

  it("tells the app the peer's address, never a client's copy of the header", async () => {
    const { text } = await raw(
      `GET /x HTTP/1.1\r\nHost: a\r\n${PEER_HEADER}: 203.0.113.1\r\nConnection: close\r\n\r\n`,
    );
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4))).toEqual({ peer: "127.0.0.1", body: "" });
  });

  it("answers a bad escape, TRACE, CONNECT and OPTIONS * itself", async () => {
    expect((await raw(`GET /api/a/%ff HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`)).text).toMatch(
      /^HTTP\/1\.1 400[^]*\{"detail":"The address contains an invalid %-escape\."\}$/,
    );
    expect((await raw(`TRACE / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`)).text).toMatch(
      /^HTTP\/1\.1 405[^]*\r\nAllow: GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE\r\n/,
    );
    expect((await raw(`CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n`)).text).toMatch(/^HTTP\/1\.1 405/);
    expect((await raw(`OPTIONS * HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`)).text).toMatch(/^HTTP\/1\.1 204/);
  });

  it("answers over-long headers with 431 and an over-large declared body with 413", async () => {
    const huge = await raw(`GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(huge.text).toMatch(/^HTTP\/1\.1 431/);
    const large = await raw(`POST /api/x HTTP/1.1\r\nHost: a\r\nContent-Length: 2048\r\nConnection: close\r\n\r\n{`);
    expect(large.text).toMatch(/^HTTP\/1\.1 413[^]*at most 1024 bytes/);
  });

  it("answers 408 soon after the body timeout to a request that sends less body than it declares", async () => {
    const slow = await raw(`POST /api/x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n{"a":`);
    expect(slow.text).toMatch(/^HTTP\/1\.1 408/);
    expect(slow.seconds).toBeLessThan(4);
  });

  /** Sends `head` and then `chunks` pieces of the body, one every `everyMs`, and reads the answer. */
  function trickle(head: string, chunks: string[], everyMs: number): Promise<{ text: string; seconds: number }> {
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.write(head);
        let sent = 0;
        const timer = setInterval(() => {
          if (sent === chunks.length || socket.destroyed) return clearInterval(timer);
          socket.write(chunks[sent++] ?? "");
        }, everyMs);
        socket.on("close", () => clearInterval(timer));
      });
      let text = "";
      socket.on("data", (chunk) => (text += String(chunk)));
      socket.on("close", () => resolve({ text, seconds: (Date.now() - started) / 1000 }));
      socket.on("error", reject);
      socket.setTimeout(10_000, () => socket.destroy());
    });
  }

  it("lets an upload take longer than the body timeout while bytes keep coming", async () => {
    const chunks = Array.from({ length: 10 }, (_, i) => `row ${i}\n`);
    const body = chunks.join("");
    const answer = await trickle(
      `POST /api/datasets/inspect HTTP/1.1\r\nHost: a\r\nContent-Type: text/csv\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
      chunks,
      300,
    );
    expect(answer.seconds).toBeGreaterThan(2.5); // past the 1.5 s a whole request may take
    expect(answer.text).toMatch(/^HTTP\/1\.1 200/);
    expect(JSON.parse(answer.text.slice(answer.text.indexOf("\r\n\r\n") + 4)).body).toBe(body);
  });

  it("answers 408 to an upload that stops sending, after the idle time", async () => {
    const answer = await trickle(
      `POST /api/datasets HTTP/1.1\r\nHost: a\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n\r\n`,
      ["a,b\n", "1,2\n"],
      200,
    );
    expect(answer.text).toMatch(/^HTTP\/1\.1 408[^]*"detail":"No data arrived for 1 seconds/);
    expect(answer.seconds).toBeGreaterThan(1);
    expect(answer.seconds).toBeLessThan(3);
  });

  it("still times ordinary requests as a whole, even when bytes keep coming", async () => {
    const chunks = Array.from({ length: 10 }, () => "x");
    const answer = await trickle(
      `POST /api/export/async HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n`,
      chunks,
      300,
    );
    expect(answer.text).toMatch(/^HTTP\/1\.1 408/);
    expect(answer.seconds).toBeLessThan(2.5);
  });
});
