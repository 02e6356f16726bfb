"use client";

import { createContext, useContext, useMemo, type ReactNode } from "react";
import { format, type Locale, type MessageKey, type MessageParams, type Messages } from "@/lib/i18n";

type I18nValue = { locale: Locale; t: (key: MessageKey, params?: MessageParams) => string };

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({
  locale,
  messages,
  children,
}: {
  locale: Locale;
  messages: Messages;
  children: ReactNode;
}) {
  const value = useMemo<I18nValue>(
    () => ({ locale, t: (key, params) => format(messages[key], params) }),
    [locale, messages],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n() needs an <I18nProvider> above it");
  return value;
}

/** The page's language: the one given (a server component passes its own), else the provider's. */
export function useLocale(given?: Locale): Locale {
  const value = useContext(I18nContext);
  const locale = given ?? value?.locale;
  if (!locale) throw new Error("useLocale() needs a locale or an <I18nProvider> above it");
  return locale;
}
