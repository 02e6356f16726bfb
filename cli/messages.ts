// The CLI's messages, in the terminal's language: OUTPORT_LANG, else LC_ALL, LC_MESSAGES or
// LANG (ko… → Korean), else English. The server is asked for the same language.
import type { Env } from "./errors";
import { translate, type Locale, type MessageKey, type MessageParams } from "../lib/i18n";

type CliKey = Extract<MessageKey, `cli.${string}`>;

export function localeFromEnv(env: Env = process.env): Locale {
  const tag = env.OUTPORT_LANG || env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  return tag.toLowerCase().startsWith("ko") ? "ko" : "en";
}

let current: Locale = localeFromEnv();

export function setLocale(locale: Locale): void {
  current = locale;
}

export function cliLocale(): Locale {
  return current;
}

export function t(key: CliKey, params?: MessageParams): string {
  return translate(current, key, params);
}
