import type { ReactNode } from "react";
import { TopBar } from "@/components/layout/top-bar";
import { requirePageUser } from "@/lib/auth/session";
import { getTranslator } from "@/lib/i18n/server";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const [user, { t }] = await Promise.all([requirePageUser(), getTranslator()]);
  return (
    <div className="min-h-screen">
      <TopBar user={user} t={t} />
      <main className="mx-auto max-w-7xl px-6 py-8">{children}</main>
    </div>
  );
}
