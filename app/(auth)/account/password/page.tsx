import type { Metadata } from "next";
import Image from "next/image";
import { redirect } from "next/navigation";
import { ChangePasswordForm } from "@/components/auth/change-password-form";
import { LanguageSwitch } from "@/components/layout/language-switch";
import { SignOutButton } from "@/components/layout/sign-out-button";
import { CHANGE_PASSWORD_PATH } from "@/lib/auth/current-user";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password";
import { getSignedInUser } from "@/lib/auth/session";
import { getTranslator } from "@/lib/i18n/server";

export const metadata: Metadata = { title: "Change your password" };

/** Where every page sends a user who must change their password; any signed-in user may use it. */
export default async function ChangePasswordPage() {
  const user = await getSignedInUser();
  if (!user) redirect(`/login?callbackUrl=${encodeURIComponent(CHANGE_PASSWORD_PATH)}`);
  const { t } = await getTranslator();
  return (
    <main className="flex min-h-screen flex-col items-center justify-center bg-gradient-to-b from-slate-900 to-slate-700 px-4 py-8">
      <div className="w-full max-w-sm rounded-2xl bg-white p-6 shadow-xl sm:p-8">
        <div className="mb-4 flex items-center gap-3">
          <Image src="/logo.svg" alt="" width={40} height={40} priority />
          <div className="min-w-0">
            <h1 className="text-xl font-semibold">{t("password.title")}</h1>
            <p className="truncate text-sm text-slate-500">{user.email}</p>
          </div>
        </div>
        <p className="mb-4 break-keep text-sm text-slate-700">
          {user.mustChangePassword ? t("password.required") : t("password.optional")}
        </p>
        <ChangePasswordForm minLength={PASSWORD_MIN_LENGTH} />
      </div>
      <div className="mt-6 flex items-center gap-4">
        <LanguageSwitch />
        <SignOutButton />
      </div>
    </main>
  );
}
