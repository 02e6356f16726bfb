"use client";

import { useI18n } from "@/components/i18n/i18n-provider";

export default function ErrorPage({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const { t } = useI18n();
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">{t("error.pageTitle")}</h1>
      <p className="mt-2 text-slate-600">{t("error.internal")}</p>
      <button
        type="button"
        onClick={reset}
        className="mt-6 rounded-md bg-brand-500 px-4 py-2 text-white hover:bg-brand-600"
      >
        {t("error.retry")}
      </button>
    </main>
  );
}
