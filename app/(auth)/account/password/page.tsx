import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
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
    <AuthCard
      title={t("password.title")}
      subtitle={user.email}
      below={
        <>
          <LanguageSwitch />
          <SignOutButton />
        </>
      }
    >
      <p className="mb-4 break-keep text-sm text-slate-700">
        {user.mustChangePassword ? t("password.required") : t("password.optional")}
      </p>
      <ChangePasswordForm minLength={PASSWORD_MIN_LENGTH} />
    </AuthCard>
  );
}
