"use client";
// The account page's own forms: one's name (saved with the message by the field when it is
// refused) and one's language (kept on the account and in the browser, the page redrawn in
// it). The password has its own form, the one the change-password page uses.
import { useRouter } from "next/navigation";
import { useState, useTransition, type FormEvent } from "react";
import { setLocale } from "@/app/actions/set-locale";
import { updateAccount } from "@/app/actions/update-account";
import { LOCALES, type Locale } from "@/lib/i18n";
import type { TAccount } from "@/lib/users/user-schemas";
import { useI18n } from "../i18n/i18n-provider";

const INPUT =
  "mt-1 w-full min-w-0 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100 aria-[invalid=true]:border-red-500";
const PRIMARY =
  "rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60";

export function NameForm({ account }: { account: TAccount }) {
  const { t } = useI18n();
  const router = useRouter();
  const [name, setName] = useState(account.name);
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<{ saved: true } | { error: string; field: string | null } | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setPending(true);
    setResult(null);
    try {
      const answer = await updateAccount({ name });
      if ("account" in answer) {
        setName(answer.account.name);
        setResult({ saved: true });
        router.refresh();
      } else {
        const field = answer.errors?.find((error) => error.field === "name");
        setResult({ error: field ? field.message : answer.error, field: field ? "name" : null });
      }
    } catch {
      setResult({ error: t("account.name.failed"), field: null });
    }
    setPending(false);
  }

  const fieldError = result && "error" in result && result.field === "name" ? result.error : undefined;
  return (
    <form onSubmit={(event) => void submit(event)} noValidate className="space-y-3">
      <label className="block text-sm">
        <span className="font-medium text-slate-700">{t("account.name.label")}</span>
        <input
          type="text"
          name="name"
          autoComplete="name"
          maxLength={200}
          value={name}
          onChange={(event) => setName(event.target.value)}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? "account-name-error" : undefined}
          className={INPUT}
        />
        {fieldError ? (
          <span id="account-name-error" className="mt-1 block text-sm text-red-700">
            {fieldError}
          </span>
        ) : null}
      </label>
      <p className="break-all text-sm text-slate-600">{t("account.email", { email: account.email })}</p>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={pending} className={PRIMARY}>
          {pending ? t("account.name.saving") : t("account.name.save")}
        </button>
        {result && "saved" in result ? (
          <span role="status" className="text-sm text-green-800">
            {t("account.name.saved")}
          </span>
        ) : null}
        {result && "error" in result && result.field === null ? (
          <span role="alert" className="text-sm text-red-700">
            {result.error}
          </span>
        ) : null}
      </div>
    </form>
  );
}

/** `current` is the language the page is drawn in, which the radios start from. */
export function LanguageForm({ current }: { current: Locale }) {
  const { t } = useI18n();
  const router = useRouter();
  const [chosen, setChosen] = useState<Locale>(current);
  const [failed, setFailed] = useState(false);
  const [pending, startTransition] = useTransition();

  const choose = (next: Locale) => {
    setChosen(next);
    setFailed(false);
    startTransition(async () => {
      try {
        const answer = await setLocale(next);
        if (answer.error) setFailed(true);
        else router.refresh();
      } catch {
        setFailed(true);
      }
    });
  };

  return (
    <fieldset className="text-sm" aria-busy={pending}>
      {/* The section's heading says it on screen; the legend names the group for screen readers. */}
      <legend className="sr-only">{t("account.language.label")}</legend>
      <p className="text-slate-500">{t("account.language.help")}</p>
      <div className="mt-2 flex flex-wrap gap-4">
        {LOCALES.map((option) => (
          <label key={option} className="flex items-center gap-2" lang={option}>
            <input
              type="radio"
              name="locale"
              value={option}
              checked={chosen === option}
              disabled={pending}
              onChange={() => choose(option)}
            />
            {t(`locale.${option}`)}
          </label>
        ))}
      </div>
      {failed ? (
        <p role="alert" className="mt-2 text-red-700">
          {t("account.language.failed")}
        </p>
      ) : null}
    </fieldset>
  );
}
