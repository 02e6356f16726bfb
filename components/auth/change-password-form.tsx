"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { changePassword } from "@/app/actions/change-password";
import { useI18n } from "../i18n/i18n-provider";

const INPUT =
  "w-full rounded-md border border-slate-300 px-3 py-2 outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100 aria-[invalid=true]:border-red-500";

type Field = "current_password" | "new_password" | "confirm_password";

/** Current password, new password twice; on success the user goes on to `next` (the datasets). */
export function ChangePasswordForm({
  minLength,
  next = "/datasets",
  autoFocus = true,
}: {
  minLength: number;
  next?: string;
  /** Off where the form is not the page's first thing to fill in (the account page). */
  autoFocus?: boolean;
}) {
  const { t } = useI18n();
  const router = useRouter();
  const [error, setError] = useState<{ message: string; field: Field | null } | null>(null);
  const [pending, setPending] = useState(false);
  const [done, setDone] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: Field) => String(form.get(name) ?? "");
    setPending(true);
    setError(null);
    try {
      const result = await changePassword({
        current_password: value("current_password"),
        new_password: value("new_password"),
        confirm_password: value("confirm_password"),
      });
      if ("ok" in result) {
        setDone(true);
        router.replace(next);
        router.refresh();
        return;
      }
      const field = result.errors?.[0]?.field;
      setError({
        message: result.error,
        field: field === "current_password" || field === "new_password" || field === "confirm_password" ? field : null,
      });
    } catch {
      setError({ message: t("password.error.generic"), field: null });
    }
    setPending(false);
  }

  const invalid = (field: Field) => (error?.field === field ? true : undefined);
  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-slate-700">{t("password.current")}</span>
        <input
          name="current_password"
          type="password"
          autoComplete="current-password"
          required
          autoFocus={autoFocus}
          aria-invalid={invalid("current_password")}
          className={INPUT}
        />
      </label>
      <div>
        <label className="block">
          <span className="mb-1 block text-sm font-medium text-slate-700">{t("password.new")}</span>
          <input
            name="new_password"
            type="password"
            autoComplete="new-password"
            required
            minLength={minLength}
            aria-invalid={invalid("new_password")}
            aria-describedby="new-password-hint"
            className={INPUT}
          />
        </label>
        <p id="new-password-hint" className="mt-1 text-xs text-slate-500">
          {t("password.hint", { min: minLength })}
        </p>
      </div>
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-slate-700">{t("password.confirm")}</span>
        <input
          name="confirm_password"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={invalid("confirm_password")}
          className={INPUT}
        />
      </label>
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error.message}
        </p>
      ) : null}
      {done ? (
        <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
          {t("password.changed")}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={pending || done}
        className="w-full rounded-md bg-brand-500 px-4 py-2 font-medium text-white transition hover:bg-brand-600 disabled:opacity-60"
      >
        {pending ? t("password.submitting") : t("password.submit")}
      </button>
    </form>
  );
}
