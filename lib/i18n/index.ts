// Message catalogues and the one translate function, shared by server and client code.
import { en, type MessageKey, type Messages } from "./en";
import { ko } from "./ko";

export type { MessageKey, Messages };
export const LOCALES = ["en", "ko"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
export const LOCALE_COOKIE = "outport_locale";

const CATALOGUES: Record<Locale, Messages> = { en, ko };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

export function messagesFor(locale: Locale): Messages {
  return CATALOGUES[locale];
}

export type MessageParams = Record<string, string | number>;

export function format(template: string, params?: MessageParams): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function isMessageKey(value: string): value is MessageKey {
  return Object.hasOwn(en, value);
}

/** A stored message: a catalogue key is translated, anything else is shown as it is. */
export function translateStored(locale: Locale, text: string): string {
  return isMessageKey(text) ? translate(locale, text) : text;
}

export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  return format(CATALOGUES[locale][key], params);
}

/** The cookie wins; otherwise the best match of Accept-Language; otherwise English. */
export function negotiateLocale(
  cookieValue: string | undefined | null,
  acceptLanguage: string | undefined | null,
): Locale {
  if (isLocale(cookieValue)) return cookieValue;
  const ranked = (acceptLanguage ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...attributes] = part.trim().split(";");
      const q = attributes.map((a) => a.trim()).find((a) => a.startsWith("q="));
      return { language: tag.toLowerCase().split("-")[0] ?? "", q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((entry) => entry.language && !Number.isNaN(entry.q) && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((entry) => entry.language).find(isLocale) ?? DEFAULT_LOCALE;
}

/**
 * A page's language: the cookie (the browser's own choice) wins; without one, the language
 * kept on the signed-in user's account, so that a new browser opens in it; otherwise
 * Accept-Language, then English.
 */
export function pageLocale(
  cookieValue: string | undefined | null,
  storedLocale: string | undefined | null,
  acceptLanguage: string | undefined | null,
): Locale {
  return negotiateLocale(isLocale(cookieValue) ? cookieValue : storedLocale, acceptLanguage);
}

/** Numbers in the locale's style (1,234 in both). */
export function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(locale === "ko" ? "ko-KR" : "en-US").format(value);
}
