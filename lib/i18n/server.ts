// The request's locale inside Server Components, route handlers and server actions.
import { cookies, headers } from "next/headers";
import { getSignedInUser } from "../auth/session";
import {
  isLocale,
  LOCALE_COOKIE,
  pageLocale,
  translate,
  type Locale,
  type MessageKey,
  type MessageParams,
} from "./index";

/**
 * The cookie's language; without one, the signed-in user's stored language (the user row a
 * page loads anyway, once per request), else Accept-Language. With a cookie nothing is read.
 */
export async function getLocale(): Promise<Locale> {
  const [cookieStore, headerStore] = await Promise.all([cookies(), headers()]);
  const cookie = cookieStore.get(LOCALE_COOKIE)?.value;
  if (isLocale(cookie)) return cookie;
  const user = await getSignedInUser();
  return pageLocale(cookie, user?.locale, headerStore.get("accept-language"));
}

export async function getTranslator(): Promise<{
  locale: Locale;
  t: (key: MessageKey, params?: MessageParams) => string;
}> {
  const locale = await getLocale();
  return { locale, t: (key, params) => translate(locale, key, params) };
}
