import type { ReactNode } from "react";
import { RunningExports } from "@/components/layout/running-exports";
import { TopBar } from "@/components/layout/top-bar";
import { requirePageUser } from "@/lib/auth/session";
import { getTranslator } from "@/lib/i18n/server";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const [user, { t }] = await Promise.all([requirePageUser(), getTranslator()]);
  return (
    <div className="min-h-screen">
      <TopBar user={user} t={t} />
      {/* Until the top bar carries it: the running exports on a strip of the bar's colour, hidden when empty. */}
      <div className="bg-slate-900 text-white empty:hidden">
        <div className="mx-auto flex max-w-7xl justify-end px-4 pb-2 empty:hidden sm:px-6">
          <RunningExports userId={user.id} />
        </div>
      </div>
      <main className="mx-auto max-w-7xl px-6 py-8">{children}</main>
    </div>
  );
}
