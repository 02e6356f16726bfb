// What /api/auth/* does around next-auth. Before next-auth sees a request:
//   - the Host it answers for is one the app is served on (lib/auth/origin.ts), so a forged
//     Host cannot steer its redirects;
//   - callback URLs (query, body, cookie) that leave the origin are dropped, so a hostile
//     one is never followed nor fails next-auth's own check with a 500;
//   - the body is read with a size limit, and the credentials callback only takes POST;
//   - a sign-in attempt is counted (lib/auth/login-throttle.ts) and, past a limit, refused
//     with 429 before any password is checked.
// next-auth is then called through its request/response interface, fed from the Request
// itself, so the route does not depend on where Next keeps the request's headers.
import NextAuth from "next-auth";
import { AppError } from "../errors";
import { assertSafeInput } from "../text";
import type { Locale } from "../i18n";
import { clientIp, parseCookies } from "../http/request";
import { mapError } from "../http/error-response";
import { checkDeclaredLength, limitBody } from "../http/request-guards";
import { authOptions } from "./auth-options";
import {
  claimSignInAttempt,
  normalizeEmail,
  signInSucceeded,
  SignInThrottled,
  type SignInClaim,
} from "./login-throttle";
import { requestOrigin, sameOriginTarget } from "./origin";
import { throttledErrorCode } from "./sign-in-wait";

/** The largest body a sign-in, sign-out or CSRF request needs, with room to spare. */
export const AUTH_BODY_LIMIT_BYTES = 16 * 1024;

const CALLBACK_COOKIES = ["next-auth.callback-url", "__Secure-next-auth.callback-url"];
const SESSION_COOKIE = /^(__Secure-)?next-auth\.session-token(\.\d+)?=[^;]/;

type Fields = Record<string, string>;

/** The body as text, refused past the limit without reading the rest. */
async function readBody(req: Request): Promise<string> {
  checkDeclaredLength(req, AUTH_BODY_LIMIT_BYTES);
  return req.body ? limitBody(req, AUTH_BODY_LIMIT_BYTES).text() : "";
}

/** The body's fields, as next-auth reads them: a form or a JSON object of strings. */
async function readFields(req: Request): Promise<Fields> {
  if (req.method !== "POST") return {};
  const text = await readBody(req);
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  if (type.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  if (type.includes("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new AppError("invalid", "error.invalid", { errors: [{ field: "(body)", message: "must be valid JSON" }] });
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
    );
  }
  return {};
}

/** Keeps a callback URL only when it stays on the origin (as the absolute URL next-auth expects). */
function keepCallback(fields: Fields, origin: string): void {
  if (!("callbackUrl" in fields)) return;
  const safe = sameOriginTarget(fields.callbackUrl, origin);
  if (safe) fields.callbackUrl = safe;
  else delete fields.callbackUrl;
}

function cookiesOf(req: Request, origin: string): Fields {
  const cookies = parseCookies(req.headers.get("cookie"));
  for (const name of CALLBACK_COOKIES) {
    if (!(name in cookies)) continue;
    const safe = sameOriginTarget(cookies[name], origin);
    if (safe) cookies[name] = safe;
    else delete cookies[name];
  }
  return cookies;
}

/** The request's headers as next-auth reads them, naming the origin chosen above. */
function headersFor(req: Request, origin: string): Fields {
  const headers: Fields = Object.fromEntries(req.headers);
  const url = new URL(origin);
  headers.host = url.host;
  headers["x-forwarded-proto"] = url.protocol.replace(":", "");
  delete headers["x-forwarded-host"];
  return headers;
}

type CollectedResponse = { status: number; headers: Headers; body: string | null };

/** next-auth's request/response interface, collected into a Response. */
function responseCollector() {
  const out: CollectedResponse = { status: 200, headers: new Headers(), body: null };
  const res = {
    status(code: number) {
      out.status = code;
      return res;
    },
    setHeader(name: string, value: string | number | readonly string[]) {
      out.headers.delete(name);
      for (const item of Array.isArray(value) ? value : [value]) out.headers.append(name, String(item));
      return res;
    },
    getHeader(name: string) {
      return name.toLowerCase() === "set-cookie" ? out.headers.getSetCookie() : (out.headers.get(name) ?? undefined);
    },
    end() {
      return res;
    },
    json(value: unknown) {
      out.headers.set("content-type", "application/json");
      out.body = JSON.stringify(value);
      return res;
    },
    send(value: unknown) {
      if (value === undefined || value === null) out.body = null;
      else if (typeof value === "string") out.body = value;
      else res.json(value);
      return res;
    },
  };
  return { res, toResponse: () => new Response(out.body, { status: out.status, headers: out.headers }) };
}

// The request/response form of NextAuth (as under pages/api): called with a request and a
// response object rather than a Request and route context.
type NextAuthApi = (req: unknown, res: unknown, options: typeof authOptions) => Promise<void>;
const nextAuthApi = NextAuth as unknown as NextAuthApi;

async function callNextAuth(req: Request, segments: string[], fields: Fields, origin: string): Promise<Response> {
  const query: Record<string, string | string[]> = Object.fromEntries(new URL(req.url).searchParams);
  keepCallback(query as Fields, origin);
  query.nextauth = segments;
  const { res, toResponse } = responseCollector();
  await nextAuthApi(
    { query, body: fields, cookies: cookiesOf(req, origin), headers: headersFor(req, origin), method: req.method },
    res,
    authOptions,
  );
  return toResponse();
}

/** 429 in the shape next-auth's client reads: `url` carries the sign-in page's error. */
function throttledResponse(error: SignInThrottled, origin: string, locale: Locale): Response {
  const { status, body, retryAfterSeconds = 1 } = mapError(error, locale);
  const url = `${origin}/login?${new URLSearchParams({ error: throttledErrorCode(retryAfterSeconds) })}`;
  return Response.json(
    { url, detail: body.detail },
    { status, headers: { "Retry-After": String(retryAfterSeconds), "Cache-Control": "no-store" } },
  );
}

/** Whether next-auth signed someone in: it sets the session cookie (with a 200 for its client, a 302 for a plain form). */
function signedIn(response: Response): boolean {
  return response.status < 400 && response.headers.getSetCookie().some((cookie) => SESSION_COOKIE.test(cookie));
}

/** GET|POST /api/auth/[...nextauth] */
export async function handleAuthRequest(req: Request, segments: string[], locale: Locale): Promise<Response> {
  const origin = requestOrigin(req.headers);
  const [action, providerId] = segments;
  if (!action) throw new AppError("not_found");
  // next-auth reads only the first two segments: callback/credentials/anything is a sign-in too.
  const isCredentialsCallback = action === "callback" && providerId === "credentials";

  // Credentials are only ever posted; a browser that lands here is shown the sign-in page.
  if (isCredentialsCallback && req.method !== "POST") {
    return new Response(null, { status: 302, headers: { Location: `${origin}/login` } });
  }

  // Text no field can carry (NUL, a lone surrogate) is refused before next-auth sees it.
  assertSafeInput(Object.fromEntries(new URL(req.url).searchParams), "(query)");
  const fields = assertSafeInput(await readFields(req));
  keepCallback(fields, origin);
  if (!isCredentialsCallback) return callNextAuth(req, segments, fields, origin);

  const email = normalizeEmail(fields.email);
  // Without both an e-mail and a password nothing is checked, so nothing is counted.
  if (!email || !fields.password) return callNextAuth(req, segments, fields, origin);

  let claim: SignInClaim;
  try {
    claim = await claimSignInAttempt({ ip: clientIp(req.headers), email });
  } catch (error) {
    if (error instanceof SignInThrottled) return throttledResponse(error, origin, locale);
    throw error;
  }
  const response = await callNextAuth(req, segments, fields, origin);
  if (signedIn(response)) await signInSucceeded(claim);
  return response;
}
