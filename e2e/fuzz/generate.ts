// The fuzz plan: every request of a run, generated up front from the seed alone (never
// from the server's answers), so the same seed always sends the same requests. Values the
// server decides (job ids, signed tokens, the CSRF token) are placeholders filled in when
// the request is sent: {{job:N}} is the N-th known job (modulo how many there are),
// {{token:N}} a signed download token, {{csrf}} a fresh CSRF token with its cookie.
import { createHash } from "node:crypto";
import { Rng } from "./prng";
import type { AppTarget, Segment } from "./routes";

export const ROLES = ["anonymous", "viewer", "manager", "admin"] as const;
export type Role = (typeof ROLES)[number];

export type FuzzRequest = {
  n: number;
  role: Role;
  method: string;
  /** The target's pattern, for grouping (e.g. /api/export/[format]/[datasetId]). */
  pattern: string;
  /** The raw request target, sent byte for byte (no normalisation, as curl --path-as-is). */
  path: string;
  headers: Record<string, string>;
  /** Cookies added after the role's own (a bad session, a long cookie …). */
  extraCookies: string[];
  /** Send the role's session cookie (false: the session is replaced by a forged one). */
  withSession: boolean;
  body?: Buffer;
  /** What was mutated, for the report. */
  what: string[];
};

const MISC_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"];
// Methods Node's parser does not know are refused by Node itself (400); known but unusual
// ones reach the app.
const JUNK_METHODS = ["FOO", "PROPFIND", "PURGE", "M-SEARCH", "LINK", "QUERY", "MKCOL", "REPORT"];
const FORMATS = ["csv", "excel", "pdf", "json", "ndjson", "parquet"];
const AUTH_ACTIONS = [
  "csrf",
  "session",
  "providers",
  "signin",
  "signin/credentials",
  "signout",
  "callback/credentials",
  "callback/unknown",
  "error",
  "verify-request",
  "_log",
  "unknown",
];

/** Hostile path segments, already in their on-the-wire form. */
export const HOSTILE_SEGMENTS = [
  "%00",
  "%ff",
  "%c0%af",
  "%ED%A0%80",
  "%e0%80%80",
  "%",
  "%%",
  "%zz",
  "%u0000",
  "%0a",
  "%0d%0aSet-Cookie:%20fuzz=1",
  "..",
  "../",
  "../..",
  "..%2f..%2fetc%2fpasswd",
  "%2e%2e%2f%2e%2e",
  "....//....//",
  ".",
  "%2e",
  "99999999999999999999999999",
  "9007199254740993",
  "2147483648",
  "-1",
  "-0",
  "0",
  "1.5",
  "1e309",
  "0x10",
  "NaN",
  "Infinity",
  "%201",
  "1%20",
  "1;2",
  "1,2",
  "%5B1%5D",
  "null",
  "undefined",
  "__proto__",
  "constructor",
  "prototype",
  "%27%20OR%201%3D1--",
  "1%27%3B--",
  "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
  "%E2%80%AE",
  "%EB%8D%B0%EC%9D%B4%ED%84%B0",
  "%F0%9F%98%80",
  "%EF%BC%9D",
  "데이터",
  "00000000-0000-0000-0000-000000000000",
  "A".repeat(10_000),
  "%41".repeat(2_500),
];

/** Hostile query values, already encoded. */
const HOSTILE_QUERY_VALUES = [
  "%00",
  "a%00b",
  "%ED%A0%80",
  "%ED%B0%80",
  "%ff",
  "%c0%af",
  "%",
  "%zz",
  "",
  "-1",
  "0",
  "99999999999999999999999999",
  "1e309",
  "NaN",
  "9".repeat(400),
  "x".repeat(5_000),
  "%7B",
  "%7B%22a%22%3A",
  "%5B%5D",
  "%7B%7D",
  "%5B%7B%7D%5D",
  "%7B%22__proto__%22%3A%7B%22isAdmin%22%3Atrue%7D%7D",
  "%5B%7B%22column%22%3A%22amount%22%2C%22op%22%3A%22lt%22%2C%22value%22%3A%22%5Cu0000%22%7D%5D",
  "%5B".repeat(2_000),
  "true",
  "false",
  "yes",
  "null",
  "2025-02-30",
  "9999-99-99",
  "2025-01-01T25:61",
  "Asia%2FNowhere",
  "..%2F..%2F",
  "%3Dcmd%7C'%20%2FC%20calc'!A0",
  "%EF%BC%9D1%2B1",
  "%27%20OR%201%3D1--",
  "%3Cscript%3E",
  "%E2%80%AE",
  "%F0%9F%98%80",
  "tab",
  ";",
  "gzip",
  "export_requested",
];

const QUERY_KEYS: Record<string, string[]> = {
  export: [
    "columns",
    "rename",
    "start",
    "end",
    "date_column",
    "date_range",
    "filters",
    "filter_mode",
    "delimiter",
    "bom",
    "compression",
    "timezone",
    "include_sensitive",
    "include_charts",
    "landscape",
  ],
  history: ["format", "status", "user", "include_expired", "page", "page_size"],
  audit: ["actor", "action", "target_type", "target_id", "dataset", "from", "to", "page", "page_size"],
  records: ["after", "before", "limit"],
  download: ["token"],
  auth: ["callbackUrl", "error", "csrf", "json"],
  page: ["callbackUrl", "error", "page", "page_size", "format", "status", "user", "action", "from", "to", "after"],
  junk: ["__proto__", "constructor[prototype][x]", "a[]", "a[0]", "", "%00", "%ff", "x".repeat(300), "%ED%A0%80"],
};

function queryKeysFor(pattern: string): string[] {
  if (pattern.startsWith("/api/export/[format]")) return QUERY_KEYS.export!;
  if (pattern.startsWith("/api/export/history")) return QUERY_KEYS.history!;
  if (pattern.startsWith("/api/audit")) return QUERY_KEYS.audit!;
  if (pattern.endsWith("/records")) return QUERY_KEYS.records!;
  if (pattern.startsWith("/api/export/download")) return QUERY_KEYS.download!;
  if (pattern.startsWith("/api/auth")) return QUERY_KEYS.auth!;
  if (!pattern.startsWith("/api/")) return QUERY_KEYS.page!;
  return [...QUERY_KEYS.history!, ...QUERY_KEYS.export!];
}

function validQueryValue(rng: Rng, key: string): string {
  switch (key) {
    case "columns":
      return rng.pick(["order_id,amount", "student_id", "order_id"]);
    case "format":
      return rng.pick(FORMATS);
    case "status":
      return rng.pick(["pending", "completed", "failed", "expired"]);
    case "page":
    case "page_size":
    case "limit":
    case "actor":
    case "user":
      return String(rng.int(1, 5));
    case "after":
    case "before":
      return String(rng.int(1, 99_999));
    case "start":
    case "from":
      return "2025-01-01";
    case "end":
    case "to":
      return "2025-03-31";
    case "token":
      return `{{token:${rng.int(0, 99)}}}`;
    case "callbackUrl":
      return rng.pick(["%2Fdatasets", "http%3A%2F%2Fevil.example%2Fx", "%2F%2Fevil.example", "%2F%5Cevil.example"]);
    case "delimiter":
      return rng.pick([",", "%3B", "tab"]);
    default:
      return rng.pick(["1", "true", "csv"]);
  }
}

function queryString(rng: Rng, pattern: string, what: string[]): string {
  if (rng.chance(0.3)) return "";
  const keys = [...queryKeysFor(pattern), ...(rng.chance(0.25) ? QUERY_KEYS.junk! : [])];
  const parts: string[] = [];
  const count = rng.int(1, 5);
  for (let i = 0; i < count; i++) {
    const key = rng.pick(keys);
    const hostile = rng.chance(0.6);
    const value = hostile ? rng.pick(HOSTILE_QUERY_VALUES) : validQueryValue(rng, key);
    const shape = rng.weighted([
      [8, "plain"],
      [1, "repeated"],
      [1, "array"],
      [1, "bare"],
    ] as const);
    if (shape === "repeated") parts.push(`${key}=${value}`, `${key}=${validQueryValue(rng, key)}`, `${key}=${value}`);
    else if (shape === "array") parts.push(`${key}[]=${value}`, `${key}[]=${validQueryValue(rng, key)}`);
    else if (shape === "bare") parts.push(key);
    else parts.push(`${key}=${value}`);
    if (hostile || shape !== "plain") what.push(`query ${key.slice(0, 20)} ${shape}`);
  }
  if (rng.chance(0.05)) {
    parts.push("&&&", "=", "==");
    what.push("query junk separators");
  }
  return "?" + parts.join("&");
}

function segmentValue(rng: Rng, segment: Segment): string {
  if (segment.kind === "static") return segment.value;
  switch (segment.name) {
    case "id":
    case "datasetId":
      return String(rng.int(1, 7));
    case "format":
      return rng.pick(FORMATS);
    case "jobId":
      return rng.chance(0.8) ? `{{job:${rng.int(0, 99)}}}` : rng.uuid();
    case "nextauth":
      return rng.pick(AUTH_ACTIONS);
    default:
      return "1";
  }
}

function buildPath(rng: Rng, target: AppTarget, what: string[]): string {
  const dynamic = target.segments.filter((s) => s.kind !== "static");
  const hostileIndex = dynamic.length > 0 && rng.chance(0.5) ? rng.int(0, dynamic.length - 1) : -1;
  let dynamicSeen = -1;
  const parts = target.segments.map((segment) => {
    if (segment.kind === "static") return segment.value;
    dynamicSeen++;
    if (dynamicSeen !== hostileIndex) return segmentValue(rng, segment);
    const value = rng.pick(HOSTILE_SEGMENTS);
    what.push(`path ${segment.name}=${value.slice(0, 24)}${value.length > 24 ? `…(${value.length})` : ""}`);
    // A catch-all keeps a real action in front of the hostile part half of the time.
    return segment.kind === "catchAll" && rng.chance(0.5) ? `${rng.pick(AUTH_ACTIONS)}/${value}` : value;
  });
  let path = "/" + parts.join("/");
  if (target.segments.length === 0) path = "/";
  if (hostileIndex === -1 && rng.chance(0.08)) {
    const suffix = rng.pick(["/", "//", "/.", "/..", "/%2e", "/index", ";x=1", "%00", "/%ff"]);
    path = (path === "/" ? "" : path) + suffix;
    what.push(`path suffix ${suffix}`);
  }
  return path;
}

// ---------------------------------------------------------------- bodies

const q = (value: string) => JSON.stringify(value);

/** Hostile JSON values, as JSON text. */
const HOSTILE_JSON = [
  q("\u0000"),
  q("a\u0000b"),
  '"\\ud800"',
  '"\\udfff"',
  '"x\\ud800y"',
  "1e400",
  "-1e400",
  "-1",
  "-0",
  "0",
  "1.5",
  "9007199254740993",
  "true",
  "false",
  "null",
  q(""),
  "[]",
  "{}",
  "[[[]]]",
  q("x".repeat(20_000)),
  q("\uFEFF"),
  q("𝕏😀"),
  q("__proto__"),
  q("2025-02-30"),
  q("Asia/Nowhere"),
  q("=cmd|' /C calc'!A0"),
  q("＝1+1"),
  q("<script>alert(1)</script>"),
  q("' OR 1=1--"),
  q("%00"),
  q("data:image/png;base64,AAAA"),
  "[" + Array.from({ length: 600 }, () => q("amount")).join(",") + "]",
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"role":"admin"}}}',
];

const EXPORT_FIELDS: Record<string, string[]> = {
  columns: ['["order_id","amount"]', '["student_id"]'],
  rename: ['{"order_id":"Order"}'],
  date_range: ['{"start":"2025-01-01","end":"2025-02-01"}', '{"column":"sale_date"}'],
  filters: ['[{"column":"amount","op":"lt","value":0}]', '[{"column":"region","op":"in","value":["EU"]}]'],
  filter_mode: [q("any"), q("all")],
  delimiter: [q(";"), q("tab")],
  bom: ["true"],
  compression: [q("gzip"), q("none")],
  timezone: [q("Asia/Seoul")],
  include_sensitive: ["true", "false"],
  include_charts: ["false"],
  landscape: ["true"],
  chart_images: ['["data:image/png;base64,iVBORw0KGgo="]'],
};

function hostileOrValid(rng: Rng, valid: string[], what: string[], field: string): string {
  if (rng.chance(0.5)) return rng.pick(valid);
  what.push(`json ${field}`);
  if (rng.chance(0.15))
    return `{"column":${rng.pick(HOSTILE_JSON)},"op":${rng.pick(HOSTILE_JSON)},"value":${rng.pick(HOSTILE_JSON)}}`;
  if (rng.chance(0.15)) return `[{"column":"amount","op":"eq","value":${rng.pick(HOSTILE_JSON)}}]`;
  return rng.pick(HOSTILE_JSON);
}

function objectText(rng: Rng, fields: Record<string, string[]>, what: string[]): string {
  const names = Object.keys(fields);
  const entries: string[] = [];
  const count = rng.int(1, Math.min(5, names.length));
  for (let i = 0; i < count; i++) {
    const name = rng.pick(names);
    entries.push(`${q(name)}:${hostileOrValid(rng, fields[name]!, what, name)}`);
  }
  if (rng.chance(0.15)) {
    entries.push(rng.pick(['"__proto__":{"isAdmin":true}', '"constructor":{"prototype":{"role":"admin"}}']));
    what.push("json prototype keys");
  }
  if (rng.chance(0.08)) {
    entries.push(`${q(rng.pick(["unknown", "\u0000", "x".repeat(500)]))}:1`);
    what.push("json unknown key");
  }
  return `{${entries.join(",")}}`;
}

function malformedJson(rng: Rng): string {
  const depth = rng.pick([100, 1_000, 10_000]);
  return rng.pick([
    "{",
    '{"a":}',
    "nul",
    '{"a":"\\x"}',
    '{"a":"\\uZZZZ"}',
    "\uFEFF{}",
    "{} trailing",
    '{"format":"csv","format":"pdf"}',
    "[".repeat(depth) + "]".repeat(depth),
    '{"a":'.repeat(depth) + "1" + "}".repeat(depth),
    `{"columns":[${q("A".repeat(300_000))}]}`,
    `{"filters":[${Array.from({ length: 5_000 }, () => '{"column":"amount","op":"eq","value":1}').join(",")}]}`,
    ...HOSTILE_JSON,
  ]);
}

function jsonBody(rng: Rng, pattern: string, what: string[]): string {
  if (rng.chance(0.25)) {
    what.push("json malformed/odd");
    return malformedJson(rng);
  }
  if (pattern === "/api/export/async") {
    const datasetId = hostileOrValid(rng, [String(rng.int(1, 7))], what, "dataset_id");
    const format = hostileOrValid(rng, [q(rng.pick(FORMATS))], what, "format");
    const options = rng.chance(0.7) ? objectText(rng, EXPORT_FIELDS, what) : rng.pick(HOSTILE_JSON);
    return `{"dataset_id":${datasetId},"format":${format},"options":${options}}`;
  }
  return objectText(rng, EXPORT_FIELDS, what);
}

const FORM_VALUES = [
  "%00",
  "a%00b",
  "%ED%A0%80",
  "%ff",
  "x".repeat(10_000),
  "",
  "%2F%2Fevil.example",
  "http%3A%2F%2Fevil.example%2Fx",
  "javascript%3Aalert(1)",
  "%F0%9F%98%80",
];

function formBody(rng: Rng, what: string[]): string {
  // Never a demo account's e-mail: a failed sign-in here must not slow a real account.
  const email = rng.chance(0.5) ? `fuzz${rng.int(1, 9)}%40fuzz.invalid` : rng.pick(FORM_VALUES);
  const fields = [
    rng.chance(0.7) ? "csrfToken={{csrf}}" : `csrfToken=${rng.pick(FORM_VALUES)}`,
    `email=${email}`,
    `password=${rng.pick(FORM_VALUES)}`,
  ];
  if (rng.chance(0.4)) fields.push(`callbackUrl=${rng.pick(FORM_VALUES)}`);
  if (rng.chance(0.4)) fields.push("json=true");
  if (rng.chance(0.2)) fields.push("email=second%40fuzz.invalid", "__proto__%5BisAdmin%5D=1");
  what.push("form body");
  return fields.join("&");
}

// ---------------------------------------------------------------- headers

const HEADER_MUTATIONS: [string, string[]][] = [
  [
    "x-forwarded-for",
    ["A".repeat(8_000), "1.2.3.4, 5.6.7.8", "not an ip", "::ffff:127.0.0.1", "999.999.999.999", "1.1.1.1,".repeat(600)],
  ],
  ["x-real-ip", ["garbage", "B".repeat(4_000), "::1"]],
  ["host", ["evil.example", "evil.example:80", "127.0.0.1:1", "[::1]", "h".repeat(1_000), ""]],
  ["origin", ["https://evil.example", "null", "http://127.0.0.1:1"]],
  ["referer", ["https://evil.example/x", "%ff"]],
  ["accept", ["text/html", "application/json", "text/x-component", "*/*;q=abc", "a".repeat(2_000)]],
  ["accept-language", ["ko", "zz", "ko-KR,ko;q=0.9", "*;q=abc", "x".repeat(3_000)]],
  ["prefer", ["respond-async", "respond-async, wait=0", "x".repeat(500)]],
  ["range", ["bytes=0-1", "bytes=abc", "bytes=99999999999999999999-"]],
  ["content-encoding", ["gzip", "br", "deflate"]],
  ["x-http-method-override", ["DELETE", "PUT"]],
  [
    "x-middleware-subrequest",
    ["middleware:middleware:middleware:middleware:middleware", "proxy:proxy:proxy:proxy:proxy"],
  ],
  ["next-action", ["0123456789abcdef0123456789abcdef01234567", "x"]],
  ["rsc", ["1"]],
  ["next-router-state-tree", ["%7Bgarbage", "[[]]", "x".repeat(2_000)]],
  ["next-router-prefetch", ["1"]],
  ["x-nextjs-data", ["1"]],
  ["if-none-match", ['"junk"', "*"]],
  ["if-modified-since", ["Thu, 99 Foo 9999 99:99:99 GMT"]],
  ["user-agent", ["u".repeat(5_000), ""]],
  ["sec-fetch-site", ["cross-site"]],
  ["expect", ["fuzz-expectation"]],
];

const EXTRA_COOKIES = [
  "next-auth.session-token=garbage.garbage.garbage",
  "next-auth.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..AAAA.BBBB.CCCC",
  `junk=${"x".repeat(8_000)}`,
  "outport_locale=%00",
  "outport_locale=ko",
  "outport_locale=zz",
  "next-auth.callback-url=%2Frelative",
  "next-auth.callback-url=http%3A%2F%2Fevil.example",
  "next-auth.callback-url=%ff",
  "next-auth.csrf-token=garbage",
  "=novalue",
  "%00=%00",
];

const CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=fuzz",
  "application/json; charset=utf-16",
  "application/json; charset=evil",
  "application/xml",
  ";;;",
];

// ---------------------------------------------------------------- the plan

/** Sign-in attempts that reach the credential check, kept few (the address's sign-in throttle). */
export const MAX_SIGN_IN_POSTS = 24;
export const MAX_SIGN_IN_WITH_CSRF = 6;

function isSignInPost(method: string, path: string): boolean {
  return method !== "GET" && method !== "HEAD" && /^\/api\/auth\/(callback|signin)/.test(path);
}

/**
 * Requests sent first whatever the seed: hostile export options on each format (before
 * the random ones spend the export rate limit) and next-auth's known edge cases.
 */
export function fixedRequests(): FuzzRequest[] {
  const json = (role: Role, path: string, body: string): Omit<FuzzRequest, "n"> => ({
    role,
    method: "POST",
    pattern: path.startsWith("/api/export/async") ? "/api/export/async" : "/api/export/[format]/[datasetId]",
    path,
    headers: { "content-type": "application/json" },
    extraCookies: [],
    withSession: true,
    body: Buffer.from(body),
    what: [`fixed: ${body.slice(0, 60)}`],
  });
  const get = (role: Role, pattern: string, path: string, extraCookies: string[] = []): Omit<FuzzRequest, "n"> => ({
    role,
    method: "GET",
    pattern,
    path,
    headers: {},
    extraCookies,
    withSession: true,
    what: ["fixed"],
  });
  const nul = '{"filters":[{"column":"region","op":"eq","value":"a\\u0000b"}]}';
  const list: Omit<FuzzRequest, "n">[] = [
    ...["csv", "excel", "parquet", "ndjson"].map((format) => json("admin", `/api/export/${format}/1`, nul)),
    json("admin", "/api/export/json/1", '{"rename":{"order_id":"a\\u0000b"}}'),
    json("admin", "/api/export/csv/1", '{"filters":[{"column":"region","op":"eq","value":"\\ud800"}]}'),
    json(
      "manager",
      "/api/export/async",
      '{"dataset_id":1,"format":"excel","options":{"rename":{"order_id":"\\u0000"}}}',
    ),
    get("admin", "/api/audit", "/api/audit?target_id=%00"),
    get("admin", "/api/audit", "/api/audit?target_id=%ED%A0%80"),
    get("anonymous", "/api/auth/[...nextauth]", "/api/auth/callback/credentials"),
    get("anonymous", "/api/auth/[...nextauth]", "/api/auth/signin", ["next-auth.callback-url=%2Fdatasets"]),
    get("viewer", "/api/auth/[...nextauth]", "/api/auth/session", ["next-auth.callback-url=%2Fdatasets"]),
  ];
  return list.map((request, n) => ({ n, ...request }));
}

export function generatePlan(seed: number, targets: AppTarget[], count: number): FuzzRequest[] {
  const rng = new Rng(seed);
  const plan: FuzzRequest[] = fixedRequests();
  let signInPosts = 0;
  let signInWithCsrf = 0;
  for (let n = 0; plan.length < count; n++) {
    const target = rng.pick(targets);
    const role = rng.pick(ROLES);
    const what: string[] = [];
    let method = rng.chance(0.55)
      ? rng.pick(target.methods.length > 0 ? target.methods : ["GET"])
      : rng.chance(0.85)
        ? rng.pick(MISC_METHODS)
        : rng.pick(JUNK_METHODS);
    const path = buildPath(rng, target, what) + queryString(rng, target.pattern, what);

    const headers: Record<string, string> = {};
    const extraCookies: string[] = [];
    let withSession = true;
    const mutations = rng.weighted([
      [4, 0],
      [3, 1],
      [2, 2],
      [1, 3],
    ] as const);
    for (let i = 0; i < mutations; i++) {
      if (rng.chance(0.25)) {
        const cookie = rng.pick(EXTRA_COOKIES);
        extraCookies.push(cookie);
        if (cookie.startsWith("next-auth.session-token=")) withSession = false;
        what.push(`cookie ${cookie.slice(0, 30)}`);
      } else {
        const [name, values] = rng.pick(HEADER_MUTATIONS);
        const value = rng.pick(values);
        headers[name] = value;
        what.push(`header ${name}: ${value.slice(0, 24)}${value.length > 24 ? `…(${value.length})` : ""}`);
      }
    }

    let body: string | undefined;
    const sendsBody = !["GET", "HEAD"].includes(method) ? rng.chance(0.75) : rng.chance(0.05);
    if (sendsBody) {
      const isAuth = target.pattern.startsWith("/api/auth");
      const form = isAuth ? rng.chance(0.7) : rng.chance(0.1);
      body = form ? formBody(rng, what) : jsonBody(rng, target.pattern, what);
      const contentType = rng.chance(0.7)
        ? form
          ? "application/x-www-form-urlencoded"
          : "application/json"
        : rng.chance(0.2)
          ? undefined
          : rng.pick(CONTENT_TYPES);
      if (contentType) headers["content-type"] = contentType;
      else what.push("no content-type");
      if (contentType && !contentType.startsWith(form ? "application/x-www" : "application/json"))
        what.push(`content-type ${contentType}`);
    }

    // Keep the attempts that reach the credential check few; the rest of the sign-in
    // requests are read-only.
    if (isSignInPost(method, path)) {
      const withCsrf = body?.includes("{{csrf}}") ?? false;
      if (signInPosts >= MAX_SIGN_IN_POSTS || (withCsrf && signInWithCsrf >= MAX_SIGN_IN_WITH_CSRF)) {
        method = "GET";
        body = undefined;
        delete headers["content-type"];
      } else {
        signInPosts++;
        if (withCsrf) signInWithCsrf++;
      }
    }

    plan.push({
      n: plan.length,
      role,
      method,
      pattern: target.pattern,
      path,
      headers,
      extraCookies,
      withSession,
      body: body === undefined ? undefined : Buffer.from(body, "utf8"),
      what,
    });
  }
  return plan;
}

/** A digest of the whole plan: equal for equal seeds, printed so two runs can be compared. */
export function planDigest(plan: FuzzRequest[]): string {
  const hash = createHash("sha256");
  for (const request of plan) {
    hash.update(JSON.stringify({ ...request, body: request.body?.toString("base64") ?? null }));
    hash.update("\n");
  }
  return hash.digest("hex").slice(0, 16);
}
