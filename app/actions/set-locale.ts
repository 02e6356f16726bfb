"use server";

import { cookies } from "next/headers";
import { z } from "zod";
import { LOCALE_COOKIE, LOCALES } from "@/lib/i18n";

const ZSetLocaleSchema = z.enum(LOCALES);

/** Remembers the chosen language for a year. Anyone may choose, signed in or not. */
export async function setLocale(input: unknown): Promise<{ error?: string }> {
  const parsed = ZSetLocaleSchema.safeParse(input);
  if (!parsed.success) return { error: "Unknown language" };
  (await cookies()).set(LOCALE_COOKIE, parsed.data, {
    path: "/",
    maxAge: 365 * 24 * 60 * 60,
    sameSite: "lax",
    httpOnly: false,
  });
  return {};
}
