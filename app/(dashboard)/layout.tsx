import type { ReactNode } from "react";
import { RunningExports } from "@/components/layout/running-exports";
import { TopBar } from "@/components/layout/top-bar";
import { requirePageUser } from "@/lib/auth/session";
import { getTranslator } from "@/lib/i18n/server";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const [user, { t }] = await Promise.all([requirePageUser(), getTranslator()]);
  return (
    <div className="min-h-screen">
      {/* The first thing Tab reaches: past the top bar straight to the page's own content. */}
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-white px-4 py-2 text-sm font-medium text-brand-700 shadow-lg focus:not-sr-only focus:fixed focus:left-3 focus:top-3"
      >
        {t("layout.skipToContent")}
      </a>
      <TopBar user={user} t={t} extra={<RunningExports userId={user.id} />} />
      {/* min-w-0 and the smaller padding keep a phone's page inside its 390 px. */}
      <main id="main" tabIndex={-1} className="mx-auto min-w-0 max-w-7xl px-4 py-6 focus:outline-none sm:px-6 sm:py-8">
        {children}
      </main>
    </div>
  );
}
