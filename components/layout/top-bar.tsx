import Image from "next/image";
import Link from "next/link";
import type { ReactNode } from "react";
import type { CurrentUser } from "@/lib/auth/current-user";
import { can } from "@/lib/auth/permissions";
import type { MessageKey } from "@/lib/i18n";
import { RoleBadge } from "../ui/role-badge";
import { LanguageSwitch } from "./language-switch";
import { SignOutButton } from "./sign-out-button";
import { TopBarFrame, type NavLink } from "./top-bar-frame";

export function TopBar({
  user,
  t,
  extra,
}: {
  user: CurrentUser;
  t: (key: MessageKey, params?: Record<string, string>) => string;
  /**
   * Slot right of the links, visible at every width (outside the phone menu): where the
   * running-exports indicator is mounted.
   */
  extra?: ReactNode;
}) {
  const links: NavLink[] = [
    { href: "/datasets", label: t("nav.datasets") },
    { href: "/export/history", label: t("nav.history") },
    ...(can(user, "schedules.own") ? [{ href: "/schedules", label: t("nav.schedules") }] : []),
    { href: "/settings/tokens", label: t("tokens.nav") },
    { href: "/settings/account", label: t("nav.account") },
    ...(can(user, "audit.view") ? [{ href: "/admin/audit", label: t("nav.audit") }] : []),
    ...(can(user, "users.manage") ? [{ href: "/admin/users", label: t("nav.users") }] : []),
  ];
  return (
    <header className="bg-slate-900 text-white">
      <TopBarFrame
        brand={
          <Link href="/datasets" className="flex items-center gap-2 whitespace-nowrap font-semibold tracking-tight">
            <Image src="/logo.svg" alt="" width={28} height={28} priority />
            <span>{t("app.name")}</span>
          </Link>
        }
        links={links}
        navLabel={t("nav.main")}
        menuLabel={t("nav.menu")}
        extra={extra}
        account={
          <>
            <LanguageSwitch />
            <div
              className="flex min-w-0 items-center gap-2 text-sm"
              aria-label={t("topbar.signedInAs", { name: user.name })}
            >
              <span className="truncate font-medium" data-testid="user-name">
                {user.name}
              </span>
              <RoleBadge role={user.role} label={t(`role.${user.role}`)} />
            </div>
            <SignOutButton />
          </>
        }
      />
    </header>
  );
}
