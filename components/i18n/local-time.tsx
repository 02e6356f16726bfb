"use client";
// Moments on pages, in the reader's language and the browser's time zone. The server does
// not know the browser's zone, so the server's HTML and the first browser render show UTC
// (identical, so hydration matches) and the browser then switches to its own zone.
// Formatting itself never depends on the runtime's locale data (formatWhen).
import { useSyncExternalStore } from "react";
import { formatWhen } from "@/lib/export/present-value";
import type { Locale } from "@/lib/i18n";
import { useLocale } from "./i18n-provider";

const noSubscription = () => () => {};

/** The browser's IANA time zone; "UTC" on the server and while hydrating. */
export function useBrowserTimeZone(): string {
  return useSyncExternalStore(noSubscription, browserTimeZone, () => "UTC");
}

export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** The formatter of moments for this page: `when(iso)` in the reader's language and zone. */
export function useFormatWhen(options?: {
  seconds?: boolean;
  locale?: Locale;
  /** A zone of the thing shown (a schedule's), instead of the browser's. */
  timeZone?: string;
}): (value: string | Date | null | undefined) => string {
  const locale = useLocale(options?.locale);
  const browserZone = useBrowserTimeZone();
  const timeZone = options?.timeZone ?? browserZone;
  return (value) => formatWhen(value, locale, timeZone, options);
}

/** A `<time>` element showing a moment as the reader reads it. */
export function LocalTime({
  value,
  className,
  seconds,
  locale,
  timeZone,
}: {
  value: string | Date;
  className?: string;
  /** Down to the second (the audit trail). */
  seconds?: boolean;
  /** Given by a server component, which has no provider above it in tests. */
  locale?: Locale;
  /** Shown in this zone (a schedule's times, in the schedule's zone) rather than the browser's. */
  timeZone?: string;
}) {
  const when = useFormatWhen({ seconds, locale, timeZone });
  const iso = value instanceof Date ? value.toISOString() : value;
  return (
    <time dateTime={iso} className={className}>
      {when(value)}
    </time>
  );
}
