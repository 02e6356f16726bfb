// Facts about an incoming request that do not depend on Next.js.
import { AppError, type FieldError } from "../errors";
import { assertSafeInput, unsafeTextError, unsafeTextFields } from "../text";
import { LOCALE_COOKIE, negotiateLocale, type Locale } from "../i18n";

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

/** The client's address as the proxy in front of us reports it (first hop). */
export function clientIp(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || headers.get("x-real-ip") || null;
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
