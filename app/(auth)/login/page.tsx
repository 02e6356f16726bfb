import type { Metadata } from "next";
import Image from "next/image";
import { redirect } from "next/navigation";
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
    <main className="flex min-h-screen flex-col items-center justify-center bg-gradient-to-b from-slate-900 to-slate-700 px-4">
      <div className="w-full max-w-sm rounded-2xl bg-white p-8 shadow-xl">
        <div className="mb-6 flex items-center gap-3">
          <Image src="/logo.svg" alt="" width={40} height={40} priority />
          <div>
            <h1 className="text-xl font-semibold">{t("login.title")}</h1>
            <p className="text-sm text-slate-500">{t("app.tagline")}</p>
          </div>
        </div>
        {query.signedOut ? (
          <p role="status" className="mb-4 rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700">
            {t("login.signedOut")}
          </p>
        ) : null}
        <LoginForm callbackUrl={callbackUrl} initialError={firstValue(query.error)} />
      </div>
      <div className="mt-6">
        <LanguageSwitch />
      </div>
    </main>
  );
}
