// The schedules page: a manager's own scheduled exports, an admin's everyone's, rendered
// here; the page then asks the schedules API (again every 2 s while a run is on its way).
// The datasets the user may export are listed here, for the form. A viewer is told why
// there is nothing.
import type { Metadata } from "next";
import { SchedulesView } from "@/components/schedules/schedules-view";
import { can } from "@/lib/auth/permissions";
import { requirePageUser } from "@/lib/auth/session";
import { listDatasets } from "@/lib/datasets/dataset-store";
import { presentDataset } from "@/lib/datasets/present-dataset";
import { getTranslator } from "@/lib/i18n/server";
import { listSchedulesFor } from "@/lib/schedules/list-schedules";

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getTranslator();
  return { title: t("schedules.title") };
}

export default async function SchedulesPage({ searchParams }: PageProps<"/schedules">) {
  const [user, { locale, t }, query] = await Promise.all([requirePageUser(), getTranslator(), searchParams]);
  if (!can(user, "schedules.own")) {
    return (
      <div className="space-y-4">
        <h1 className="text-2xl font-semibold tracking-tight">{t("schedules.title")}</h1>
        <p
          className="max-w-3xl rounded-lg border border-slate-200 bg-white p-4 text-sm text-slate-700"
          data-testid="schedules-viewer"
        >
          {t("schedules.viewerOnly")}
        </p>
      </div>
    );
  }
  const [initial, all] = await Promise.all([listSchedulesFor(user, locale), listDatasets()]);
  const datasets = all
    .map((dataset) => presentDataset(dataset, user))
    .filter((dataset) => dataset.can_export)
    .map(({ id, title, columns, date_column, record_count }) => ({ id, title, columns, date_column, record_count }));
  const wanted = typeof query.new === "string" && /^\d+$/.test(query.new) ? Number(query.new) : undefined;
  return (
    <SchedulesView
      datasets={datasets}
      isAdmin={can(user, "schedules.any")}
      userEmail={user.email}
      initial={initial}
      newDatasetId={wanted !== undefined && datasets.some((d) => d.id === wanted) ? wanted : undefined}
    />
  );
}
