import type { Metadata } from "next";
import { ExportHistory } from "@/components/history/export-history";
import { HISTORY_PAGE_SIZE } from "@/components/history/history-api";
import { can } from "@/lib/auth/permissions";
import { requirePageUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { historyUsers, listExports, ZHistoryQuerySchema } from "@/lib/exports/list-exports";
import { getTranslator } from "@/lib/i18n/server";

export const metadata: Metadata = { title: "Export history" };

export default async function ExportHistoryPage() {
  const [user, { locale }] = await Promise.all([requirePageUser(), getTranslator()]);
  const isAdmin = can(user, "history.all");
  // The first page is rendered here; filters and paging then ask the API.
  const [initial, users] = await Promise.all([
    listExports(user, ZHistoryQuerySchema.parse({ page_size: String(HISTORY_PAGE_SIZE) }), locale),
    isAdmin ? historyUsers() : Promise.resolve([]),
  ]);
  return (
    <ExportHistory
      isAdmin={isAdmin}
      canDelete={can(user, "exports.manage.own")}
      canExport={can(user, "export.own")}
      users={users}
      retentionDays={config.export.retentionDays}
      initial={initial}
    />
  );
}
