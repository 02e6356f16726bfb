"use client";

import type { DatasetJson } from "@/lib/datasets/present-dataset";
import { useI18n } from "../i18n/i18n-provider";

export function DatasetColumns({ columns }: { columns: DatasetJson["columns"] }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="columns-heading" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="columns-heading" className="mb-3 text-lg font-semibold">
        {t("dataset.columns")}
      </h2>
      <ul className="flex flex-wrap gap-2">
        {columns.map((column) => (
          <li key={column.key} className="rounded-md border border-slate-200 px-2.5 py-1 text-sm">
            <span className="font-medium">{column.label}</span>{" "}
            <span className="text-xs text-slate-500">{t(`type.${column.type}`)}</span>
            {column.sensitive ? (
              <span className="ml-1.5 rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800">
                {t("dataset.sensitive")}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
