// Facts about an incoming request that do not depend on Next.js.
import { AppError, type FieldError } from "../errors";
import { assertSafeInput, unsafeTextError, unsafeTextFields } from "../text";
import { LOCALE_COOKIE, negotiateLocale, type Locale } from "../i18n";
import { clientAddress, PEER_HEADER, PEER_HEADER_SET_BY_EDGE, trustedProxies } from "./client-address";

export function parseCookies(header: string | null | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    const name = index > 0 ? part.slice(0, index).trim() : "";
    if (!name) continue;
    const raw = part.slice(index + 1).trim();
    try {
      cookies[name] = decodeURIComponent(raw);
    } catch {
      cookies[name] = raw;
    }
  }
  return cookies;
}

export function requestLocale(headers: Headers): Locale {
  return negotiateLocale(parseCookies(headers.get("cookie"))[LOCALE_COOKIE], headers.get("accept-language"));
}

/** Request headers as a Request has them, or as a plain object (next-auth's `authorize`). */
export type HeaderSource = Pick<Headers, "get"> | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | null {
  if (typeof headers.get === "function") return (headers as Pick<Headers, "get">).get(name);
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.join(", ") : (value ?? null);
}

/**
 * The client's address: the connection's peer, or what a trusted proxy reports
 * (OUTPORT_TRUSTED_PROXIES; lib/http/client-address.ts). Null when our server did not say.
 */
export function clientIp(headers: HeaderSource): string | null {
  return clientAddress(
    {
      peer: process.env[PEER_HEADER_SET_BY_EDGE] === "1" ? header(headers, PEER_HEADER) : null,
      forwardedFor: header(headers, "x-forwarded-for"),
      realIp: header(headers, "x-real-ip"),
    },
    trustedProxies(),
  );
}

/** Whether the client asked the server to answer 202 for work it would rather queue (RFC 7240). */
export function prefersAsync(headers: Headers): boolean {
  return (headers.get("prefer") ?? "").split(",").some((token) => token.trim().toLowerCase() === "respond-async");
}

/**
 * A request's query string, every name and value checked (lib/text.ts): a NUL or a lone
 * surrogate is a 422 naming the parameter. Percent-decoding turns bytes that are not UTF-8
 * into U+FFFD, which is text like any other.
 */
export function searchParamsOf(url: string): URLSearchParams {
  const params = new URL(url).searchParams;
  const errors: FieldError[] = [];
  for (const [name, value] of params) {
    const found = unsafeTextFields({ [name]: value });
    errors.push(...found.filter((error) => !errors.some((seen) => seen.field === error.field)));
  }
  if (errors.length > 0) throw unsafeTextError(errors);
  return params;
}

export function searchParamsObject(url: string): Record<string, string> {
  return Object.fromEntries(searchParamsOf(url).entries());
}

/**
 * A JSON request body; an empty body is `{}`, a malformed one is a 422, and so is one
 * carrying a NUL or a lone surrogate (`"\u0000"`, `"\ud800"`) in any text, keys included.
 */
export async function readJsonBody(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new AppError("invalid", "error.invalid", { errors: [{ field: "(body)", message: "must be valid JSON" }] });
  }
  return assertSafeInput(body);
}
