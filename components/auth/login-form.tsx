"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { parseThrottledErrorCode, waitMinutes } from "@/lib/auth/sign-in-wait";
import type { MessageKey, MessageParams } from "@/lib/i18n";
import { useI18n } from "../i18n/i18n-provider";

/** The message for a sign-in `error` (next-auth's, or ours for a throttled attempt). */
export function signInErrorMessage(error: string | null | undefined): [MessageKey, MessageParams?] {
  const wait = parseThrottledErrorCode(error);
  if (wait !== null) return ["login.error.throttled", { minutes: waitMinutes(wait) }];
  return error === "CredentialsSignin" ? ["login.error.invalid"] : ["login.error.generic"];
}

/** After this long, a sign-in still under way says why it may take a while. */
export const SLOW_SIGN_IN_MS = 1500;

type FieldErrors = { email?: MessageKey; password?: MessageKey };

/** What is wrong with the form before anything is sent: nothing, or a message per field. */
export function signInFieldErrors(email: string, password: string): FieldErrors {
  const errors: FieldErrors = {};
  if (email.trim() === "") errors.email = "login.error.emailRequired";
  else if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) errors.email = "login.error.emailInvalid";
  if (password === "") errors.password = "login.error.passwordRequired";
  return errors;
}

export function LoginForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const { t } = useI18n();
  const router = useRouter();
  const [error, setError] = useState<string | null>(initialError ? t(...signInErrorMessage(initialError)) : null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [pending, setPending] = useState(false);
  const [slow, setSlow] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    const invalid = signInFieldErrors(email, password);
    setFieldErrors(invalid);
    setError(null);
    if (invalid.email || invalid.password) {
      // The first field in error takes the focus, where its message is read out.
      event.currentTarget
        .querySelector<HTMLInputElement>(invalid.email ? "input[name=email]" : "input[name=password]")
        ?.focus();
      return;
    }
    setPending(true);
    // Failed attempts slow sign-in down on purpose: say so rather than spin in silence.
    const slowTimer = setTimeout(() => setSlow(true), SLOW_SIGN_IN_MS);
    try {
      const result = await signIn("credentials", {
        email: email.trim(),
        password,
        redirect: false,
      });
      if (result?.ok && !result.error) {
        router.replace(callbackUrl);
        router.refresh();
        return;
      }
      setError(t(...signInErrorMessage(result?.error)));
    } catch {
      setError(t("login.error.generic"));
    } finally {
      clearTimeout(slowTimer);
      setSlow(false);
    }
    setPending(false);
  }

  const fieldError = (name: keyof FieldErrors) => {
    const key = fieldErrors[name];
    return key ? (
      <p id={`login-${name}-error`} className="-mt-3 text-sm text-red-700">
        {t(key)}
      </p>
    ) : null;
  };

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-slate-700">{t("login.email")}</span>
        <input
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          aria-invalid={fieldErrors.email ? true : undefined}
          aria-describedby={fieldErrors.email ? "login-email-error" : undefined}
          className="w-full rounded-md border border-slate-300 px-3 py-2 outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100"
        />
      </label>
      {fieldError("email")}
      <label className="block">
        <span className="mb-1 block text-sm font-medium text-slate-700">{t("login.password")}</span>
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          aria-invalid={fieldErrors.password ? true : undefined}
          aria-describedby={fieldErrors.password ? "login-password-error" : undefined}
          className="w-full rounded-md border border-slate-300 px-3 py-2 outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100"
        />
      </label>
      {fieldError("password")}
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-md bg-brand-500 px-4 py-2 font-medium text-white transition hover:bg-brand-600 disabled:opacity-60"
      >
        {pending ? t("login.submitting") : t("login.submit")}
      </button>
      {slow ? (
        <p role="status" className="text-sm text-slate-600">
          {t("login.slow")}
        </p>
      ) : null}
    </form>
  );
}
