import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { LoginForm } from "@/components/auth/login-form";
import { LanguageSwitch } from "@/components/layout/language-switch";
import { getSignedInUser } from "@/lib/auth/session";
import { getTranslator } from "@/lib/i18n/server";

export const metadata: Metadata = { title: "Sign in" };

function firstValue(raw: string | string[] | undefined): string | undefined {
  return Array.isArray(raw) ? raw[0] : raw;
}

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeCallback(raw: string | string[] | undefined): string {
  const value = firstValue(raw);
  return value && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/datasets";
}

export default async function LoginPage({ searchParams }: PageProps<"/login">) {
  const query = await searchParams;
  const callbackUrl = safeCallback(query.callbackUrl);
  if (await getSignedInUser()) redirect(callbackUrl);
  const { t } = await getTranslator();
  return (
    <AuthCard title={t("login.title")} subtitle={t("app.tagline")} below={<LanguageSwitch />}>
      {query.signedOut ? (
        <p role="status" className="mb-4 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">
          {t("login.signedOut")}
        </p>
      ) : null}
      <LoginForm callbackUrl={callbackUrl} initialError={firstValue(query.error)} />
    </AuthCard>
  );
}
