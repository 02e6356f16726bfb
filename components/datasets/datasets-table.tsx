"use client";

import Link from "next/link";
import type { DatasetJson } from "@/lib/datasets/present-dataset";
import { formatNumber } from "@/lib/i18n";
import { useI18n } from "../i18n/i18n-provider";

export function DatasetsTable({ datasets }: { datasets: DatasetJson[] }) {
  const { locale, t } = useI18n();
  if (datasets.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 p-8 text-center text-slate-500">
        {t("datasets.empty")}
      </p>
    );
  }
  return (
    // On a phone the owner and column count fold under the title, so that the rows and
    // "can I export" stay on screen; anything still too wide scrolls inside the card (the
    // page itself never gets wider than the window), which the keyboard can reach.
    <div
      className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm"
      role="region"
      aria-label={t("nav.datasets")}
      tabIndex={0}
    >
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-100 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-3">
              {t("datasets.col.title")}
            </th>
            <th scope="col" className="hidden px-4 py-3 md:table-cell">
              {t("datasets.col.owner")}
            </th>
            <th scope="col" className="px-4 py-3 text-right">
              {t("datasets.col.rows")}
            </th>
            <th scope="col" className="hidden px-4 py-3 text-right md:table-cell">
              {t("datasets.col.columns")}
            </th>
            <th scope="col" className="px-4 py-3">
              {t("datasets.col.export")}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {datasets.map((dataset) => (
            <tr key={dataset.id} className="hover:bg-slate-50" data-testid="dataset-row">
              <td className="px-4 py-3">
                <Link href={`/datasets/${dataset.id}`} className="font-medium text-brand-700 hover:underline">
                  {dataset.title}
                </Link>
                <p className="mt-0.5 line-clamp-1 text-xs text-slate-500">{dataset.description}</p>
                <p className="mt-0.5 text-xs text-slate-500 md:hidden">
                  {dataset.owner_name} · {t("datasets.col.columns")} {dataset.columns.length}
                </p>
              </td>
              <td className="hidden px-4 py-3 md:table-cell">
                <span className="block">{dataset.owner_name}</span>
                <span className="block text-xs text-slate-500">{dataset.owner_email}</span>
              </td>
              <td className="px-4 py-3 text-right tabular-nums" data-testid="dataset-rows">
                {formatNumber(locale, dataset.record_count)}
              </td>
              <td className="hidden px-4 py-3 text-right tabular-nums md:table-cell">{dataset.columns.length}</td>
              <td className="whitespace-nowrap px-4 py-3">
                {dataset.can_export ? (
                  <span className="inline-flex rounded-full bg-green-100 px-2 py-0.5 text-xs font-medium text-green-800">
                    {t("datasets.exportAllowed")}
                  </span>
                ) : (
                  <span
                    className="inline-flex rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600"
                    title={
                      dataset.export_denied_reason ? t(`export.denied.${dataset.export_denied_reason}`) : undefined
                    }
                  >
                    {t("datasets.exportDenied")}
                  </span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
