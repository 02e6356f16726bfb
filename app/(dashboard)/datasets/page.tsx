import type { Metadata } from "next";
import { DatasetsTable } from "@/components/datasets/datasets-table";
import { NewDatasetButton } from "@/components/datasets/new-dataset-button";
import { can } from "@/lib/auth/permissions";
import { requirePageUser } from "@/lib/auth/session";
import { listDatasets } from "@/lib/datasets/dataset-store";
import { presentDataset } from "@/lib/datasets/present-dataset";
import { getTranslator } from "@/lib/i18n/server";

export const metadata: Metadata = { title: "Datasets" };

export default async function DatasetsPage() {
  const [user, { t }] = await Promise.all([requirePageUser(), getTranslator()]);
  const datasets = (await listDatasets()).map((dataset) => presentDataset(dataset, user));
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{t("datasets.title")}</h1>
          <p className="mt-1 text-sm text-slate-600">{t("datasets.subtitle")}</p>
        </div>
        <NewDatasetButton allowed={can(user, "datasets.create")} />
      </div>
      <DatasetsTable datasets={datasets} />
    </div>
  );
}
