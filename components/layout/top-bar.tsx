import Image from "next/image";
import Link from "next/link";
import type { CurrentUser } from "@/lib/auth/current-user";
import { can } from "@/lib/auth/permissions";
import type { MessageKey } from "@/lib/i18n";
import { RoleBadge } from "../ui/role-badge";
import { LanguageSwitch } from "./language-switch";
import { SignOutButton } from "./sign-out-button";

export function TopBar({
  user,
  t,
}: {
  user: CurrentUser;
  t: (key: MessageKey, params?: Record<string, string>) => string;
}) {
  return (
    <header className="bg-slate-900 text-white">
      {/* On a phone the bar wraps onto a second line instead of making the page scroll sideways. */}
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
        <Link href="/datasets" className="flex items-center gap-2 font-semibold tracking-tight">
          <Image src="/logo.svg" alt="" width={28} height={28} priority />
          <span>{t("app.name")}</span>
        </Link>
        <nav aria-label={t("nav.main")} className="flex items-center gap-4 whitespace-nowrap text-sm">
          <Link href="/datasets" className="text-slate-300 hover:text-white">
            {t("nav.datasets")}
          </Link>
          <Link href="/export/history" className="text-slate-300 hover:text-white">
            {t("nav.history")}
          </Link>
          <Link href="/settings/tokens" className="text-slate-300 hover:text-white">
            {t("tokens.nav")}
          </Link>
          {can(user, "audit.view") ? (
            <Link href="/admin/audit" className="text-slate-300 hover:text-white">
              {t("nav.audit")}
            </Link>
          ) : null}
        </nav>
        <div className="ml-auto flex flex-wrap items-center justify-end gap-x-4 gap-y-2 whitespace-nowrap">
          <LanguageSwitch />
          <div className="flex items-center gap-2 text-sm" aria-label={t("topbar.signedInAs", { name: user.name })}>
            <span className="font-medium" data-testid="user-name">
              {user.name}
            </span>
            <RoleBadge role={user.role} label={t(`role.${user.role}`)} />
          </div>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
