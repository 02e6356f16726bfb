"use server";
// The account page's name form: the signed-in user (re-read from the database) → the use
// case in lib/users → `{ account }`, or `{ error, errors?, status }`, never thrown.
import { headers } from "next/headers";
import { getPageUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { actionError, type ActionError } from "@/lib/http/error-response";
import { clientIp } from "@/lib/http/request";
import { getLocale } from "@/lib/i18n/server";
import { assertSafeInput } from "@/lib/text";
import { updateAccount as update } from "@/lib/users/update-account";
import type { TAccount } from "@/lib/users/user-schemas";

export async function updateAccount(input: unknown): Promise<{ account: TAccount } | ActionError> {
  const locale = await getLocale();
  try {
    const user = await getPageUser();
    if (!user) throw new AppError("unauthenticated");
    return { account: await update(user, assertSafeInput(input), clientIp(await headers())) };
  } catch (error) {
    return actionError(error, locale);
  }
}
