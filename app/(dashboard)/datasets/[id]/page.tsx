import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { DatasetCharts } from "@/components/datasets/dataset-charts";
import { DatasetColumns } from "@/components/datasets/dataset-columns";
import { AppliedOptionsProvider } from "@/components/export/applied-options";
import { ExportButtons } from "@/components/export/export-buttons";
import { ManageDataset } from "@/components/datasets/manage-dataset";
import { PreviewTable } from "@/components/datasets/preview-table";
import { possibleDatasetOwners } from "@/lib/auth/dataset-owners";
import { can, canManageDataset } from "@/lib/auth/permissions";
import { requirePageUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { datasetDeletionSummary } from "@/lib/datasets/manage-dataset";
import { datasetForViewer } from "@/lib/datasets/view-dataset";
import { datasetCharts } from "@/lib/datasets/dataset-charts";
import { presentDataset } from "@/lib/datasets/present-dataset";
import { AppError } from "@/lib/errors";
import { exportRowCap } from "@/lib/exports/prepare-export";
import { parseDatasetId } from "@/lib/params";
import { formatNumber } from "@/lib/i18n";
import { getTranslator } from "@/lib/i18n/server";

// generateMetadata and the page share one lookup per request.
const loadDataset = cache(async (rawId: string) => {
  const user = await requirePageUser();
  try {
    return { user, dataset: await datasetForViewer(user, parseDatasetId(rawId)) };
  } catch (error) {
    // An id no dataset can have (text that is not a number, or that no field may carry).
    if (error instanceof AppError && (error.code === "not_found" || error.code === "invalid")) notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: PageProps<"/datasets/[id]">): Promise<Metadata> {
  const { dataset } = await loadDataset((await params).id);
  return { title: dataset.title };
}

export default async function DatasetPage({ params }: PageProps<"/datasets/[id]">) {
  const [{ user, dataset }, { locale, t }] = await Promise.all([loadDataset((await params).id), getTranslator()]);
  const manages = canManageDataset(user, dataset);
  const [charts, summary, owners] = await Promise.all([
    datasetCharts(dataset, user),
    manages ? datasetDeletionSummary(user, dataset.id) : null,
    // Only admins may hand a dataset to someone else.
    manages && can(user, "datasets.manage.any") ? possibleDatasetOwners() : [],
  ]);
  const json = presentDataset(dataset, user);
  const categoryLabel = dataset.columns.find((c) => c.key === dataset.categoryColumn)?.label ?? "";
  return (
    <div className="space-y-8">
      <div>
        <Link href="/datasets" className="text-sm text-brand-700 hover:underline">
          ← {t("dataset.back")}
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">{dataset.title}</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">{dataset.description}</p>
        <p className="mt-2 flex flex-wrap gap-x-4 text-sm text-slate-500">
          <span>{t("dataset.ownedBy", { name: dataset.owner.name })}</span>
          <span data-testid="record-count">
            {t("dataset.records", { count: formatNumber(locale, dataset.recordCount) })}
          </span>
          <span>{t("dataset.columnCount", { count: dataset.columns.length })}</span>
        </p>
      </div>
      {/* The options applied with the export buttons also shape the preview below them. */}
      <AppliedOptionsProvider dataset={json} isAdmin={user.role === "admin"}>
        <ExportButtons dataset={json} isAdmin={user.role === "admin"} pdfRowCap={exportRowCap("pdf")} scheduling />
        <DatasetCharts
          byCategory={charts.byCategory}
          byMonth={charts.byMonth}
          hidden={charts.hidden}
          categoryLabel={categoryLabel}
          unset={{ category: !dataset.categoryColumn, month: !dataset.dateColumn }}
        />
        <PreviewTable dataset={json} />
      </AppliedOptionsProvider>
      <DatasetColumns columns={json.columns} />
      {manages && summary ? (
        <ManageDataset
          dataset={json}
          owners={owners}
          exportCount={summary.exports}
          maxFileBytes={config.imports.maxFileBytes}
        />
      ) : null}
    </div>
  );
}
