"use server";
// The change-password form's action: the signed-in user (re-read from the database, even
// one who must change their password first: this is the one thing they may do) → the use
// case in lib/auth → `{ ok }`, or `{ error, status }`, never thrown.
import { headers } from "next/headers";
import { changePassword as change } from "@/lib/auth/change-password";
import { getSignedInUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { actionError, type ActionError } from "@/lib/http/error-response";
import { clientIp } from "@/lib/http/request";
import { getLocale } from "@/lib/i18n/server";

export async function changePassword(input: unknown): Promise<{ ok: true } | ActionError> {
  const locale = await getLocale();
  try {
    const user = await getSignedInUser();
    if (!user) throw new AppError("unauthenticated");
    await change(user, input, clientIp(await headers()));
    return { ok: true };
  } catch (error) {
    return actionError(error, locale);
  }
}
