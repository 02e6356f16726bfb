"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { useI18n } from "../i18n/i18n-provider";

export function SignOutButton() {
  const { t } = useI18n();
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signOut({ callbackUrl: "/login?signedOut=1" });
      }}
      className="rounded-md border border-white/20 px-3 py-1.5 text-sm text-slate-100 transition hover:bg-white/10 disabled:opacity-60"
    >
      {t("topbar.signOut")}
    </button>
  );
}
