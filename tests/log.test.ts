// The log lines: a caller's request id is kept only when it is a sane token, a line is one
// JSON object with time, level and message first, credentials are never written, and the
// one line per request names method, path (no query), status and the request id it answers.
import { afterEach, describe, expect, it } from "vitest";
import { serviceTokenMatches, withUser } from "@/lib/http/handler";
import { formatLine, logFormat, requestIdFrom, setLogSink } from "@/lib/log";

let restore: (() => void) | undefined;
afterEach(() => restore?.());

function capture(): string[] {
  const lines: string[] = [];
  restore = setLogSink((line) => lines.push(line));
  return lines;
}

describe("request ids", () => {
  it("keeps a caller's sane id", () => {
    expect(requestIdFrom("abc-123_x.y")).toBe("abc-123_x.y");
    expect(requestIdFrom("a".repeat(64))).toBe("a".repeat(64));
  });

  it.each([["a".repeat(65)], ["with space"], ["new\nline"], ['quote"'], ["ünïcode"], [""]])(
    "replaces %j with a fresh one",
    (given) => {
      const id = requestIdFrom(given);
      expect(id).not.toBe(given);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it("makes a fresh one when there is none, different each time", () => {
    expect(requestIdFrom(null)).not.toBe(requestIdFrom(null));
  });
});

describe("a log line", () => {
  const time = new Date("2026-12-10T09:00:00.000Z");

  it("is one JSON object: time, level, msg, then the fields", () => {
    const line = formatLine("info", "job started", { job_id: "j1", type: "export", attempt: 1 }, "json", time);
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toEqual({
      time: "2026-12-10T09:00:00.000Z",
      level: "info",
      msg: "job started",
      job_id: "j1",
      type: "export",
      attempt: 1,
    });
    expect(Object.keys(JSON.parse(line) as object).slice(0, 3)).toEqual(["time", "level", "msg"]);
  });

  it("never writes credentials, whatever it is handed", () => {
    const line = formatLine(
      "info",
      "x",
      { Authorization: "Bearer secret-1", cookie: "session=secret-2", password: "secret-3", token: "secret-4", ok: 1 },
      "json",
      time,
    );
    expect(line).not.toMatch(/secret-/);
    expect(JSON.parse(line)).toMatchObject({ ok: 1 });
  });

  it("writes an error's name and message, not an empty object", () => {
    const line = formatLine("error", "x", { error: new TypeError("broke") }, "json", time);
    expect(JSON.parse(line)).toMatchObject({ error: { name: "TypeError", message: "broke" } });
  });

  it("reads as text for a person when asked", () => {
    expect(formatLine("warn", "hello", { a: "b", n: 2 }, "text", time)).toBe(
      "2026-12-10T09:00:00.000Z WARN hello a=b n=2",
    );
  });

  it("is JSON in production, text at a terminal and under tests, unless OUTPORT_LOG_FORMAT says", () => {
    expect(logFormat({ NODE_ENV: "production" }, false)).toBe("json");
    expect(logFormat({ NODE_ENV: "production" }, true)).toBe("text");
    expect(logFormat({ NODE_ENV: "test" }, false)).toBe("text");
    expect(logFormat({ NODE_ENV: "test", OUTPORT_LOG_FORMAT: "json" }, true)).toBe("json");
    expect(logFormat({ NODE_ENV: "production", OUTPORT_LOG_FORMAT: "text" }, false)).toBe("text");
  });
});

describe("the request line of withUser", () => {
  const route = withUser(async () => new Response("hi", { status: 201 }), { public: true });
  const context = { params: Promise.resolve({}) };

  it("answers the caller's X-Request-Id and logs it, without the query or credentials", async () => {
    const lines = capture();
    const response = await route(
      new Request("http://127.0.0.1:3000/api/thing?secret=q-value", {
        headers: { "x-request-id": "req-42", authorization: "Bearer tok-value", cookie: "s=cookie-value" },
      }),
      context,
    );
    expect(response.status).toBe(201);
    expect(response.headers.get("x-request-id")).toBe("req-42");
    const request = lines.map((line) => line).find((line) => line.includes("request"));
    expect(request).toBeDefined();
    expect(request).toContain("request_id=req-42");
    expect(request).toContain("path=/api/thing");
    expect(request).toContain("status=201");
    expect(request).toContain("method=GET");
    expect(request).not.toMatch(/q-value|tok-value|cookie-value/);
  });

  it("answers a fresh id for a bad one", async () => {
    const lines = capture();
    const response = await route(
      new Request("http://127.0.0.1:3000/api/thing", { headers: { "x-request-id": "no way" } }),
      context,
    );
    const id = response.headers.get("x-request-id") ?? "";
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.join("\n")).toContain(`request_id=${id}`);
  });
});

describe("the metrics scraper's token", () => {
  it("matches only the exact token as a bearer", () => {
    expect(serviceTokenMatches("Bearer s3cret", "s3cret")).toBe(true);
    expect(serviceTokenMatches("bearer s3cret", "s3cret")).toBe(true);
    expect(serviceTokenMatches("Bearer s3cre", "s3cret")).toBe(false);
    expect(serviceTokenMatches("Bearer s3cretX", "s3cret")).toBe(false);
    expect(serviceTokenMatches("s3cret", "s3cret")).toBe(false);
    expect(serviceTokenMatches(null, "s3cret")).toBe(false);
  });

  it("matches nothing when no token is set", () => {
    expect(serviceTokenMatches("Bearer ", undefined)).toBe(false);
    expect(serviceTokenMatches("Bearer x", "")).toBe(false);
  });
});
