"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";
import { setLocale } from "@/app/actions/set-locale";
import { LOCALES, type Locale } from "@/lib/i18n";
import { useI18n } from "../i18n/i18n-provider";

export function LanguageSwitch({ tone = "dark" }: { tone?: "dark" | "light" }) {
  const { locale, t } = useI18n();
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  const choose = (next: Locale) => {
    if (next === locale) return;
    startTransition(async () => {
      await setLocale(next);
      router.refresh();
    });
  };

  const idle = tone === "dark" ? "text-slate-300 hover:text-white" : "text-slate-500 hover:text-slate-900";
  const active = tone === "dark" ? "bg-white/15 text-white" : "bg-slate-200 text-slate-900";
  return (
    <div role="group" aria-label={t("topbar.language")} className="flex items-center gap-1 text-sm" aria-busy={pending}>
      {LOCALES.map((option) => (
        <button
          key={option}
          type="button"
          lang={option}
          aria-pressed={option === locale}
          disabled={pending}
          onClick={() => choose(option)}
          className={`rounded px-2 py-1 transition ${option === locale ? active : idle}`}
        >
          {t(`locale.${option}`)}
        </button>
      ))}
    </div>
  );
}
