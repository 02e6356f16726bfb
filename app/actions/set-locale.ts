"use server";

import { cookies } from "next/headers";
import { z } from "zod";
import { getSignedInUser } from "@/lib/auth/session";
import { LOCALE_COOKIE, LOCALES } from "@/lib/i18n";
import { updateAccount } from "@/lib/users/update-account";

const ZSetLocaleSchema = z.enum(LOCALES);

/**
 * Remembers the chosen language for a year in a cookie. Anyone may choose, signed in or
 * not; a signed-in user's choice is also kept on their account.
 */
export async function setLocale(input: unknown): Promise<{ error?: string }> {
  const parsed = ZSetLocaleSchema.safeParse(input);
  if (!parsed.success) return { error: "Unknown language" };
  (await cookies()).set(LOCALE_COOKIE, parsed.data, {
    path: "/",
    maxAge: 365 * 24 * 60 * 60,
    sameSite: "lax",
    httpOnly: false,
  });
  // Even a user who must change their password first may choose their language.
  const user = await getSignedInUser();
  if (user) await updateAccount(user, { locale: parsed.data });
  return {};
}
