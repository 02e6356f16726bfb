// The request's locale inside Server Components, route handlers and server actions.
import { cookies, headers } from "next/headers";
import { LOCALE_COOKIE, negotiateLocale, translate, type Locale, type MessageKey, type MessageParams } from "./index";

export async function getLocale(): Promise<Locale> {
  const [cookieStore, headerStore] = await Promise.all([cookies(), headers()]);
  return negotiateLocale(cookieStore.get(LOCALE_COOKIE)?.value, headerStore.get("accept-language"));
}

export async function getTranslator(): Promise<{
  locale: Locale;
  t: (key: MessageKey, params?: MessageParams) => string;
}> {
  const locale = await getLocale();
  return { locale, t: (key, params) => translate(locale, key, params) };
}
