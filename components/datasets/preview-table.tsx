"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { DatasetJson } from "@/lib/datasets/present-dataset";
import { REDACTED } from "@/lib/export/plan";
import { formatNumber } from "@/lib/i18n";
import { useI18n } from "../i18n/i18n-provider";
import { useSharedOptions } from "../export/applied-options";
import { selectionQuery } from "../export/options-draft";
import { useBrowserTimeZone } from "../i18n/local-time";
import { formatCell, isNumericType } from "./format-cell";

const PAGE_SIZE = 25;

type Cursor = { after?: number; before?: number };

export type PreviewResponse = {
  total: number;
  first_position: number;
  has_previous: boolean;
  has_next: boolean;
  /** The columns shown, in order (the applied options' columns and headers). */
  columns?: Array<{ key: string; header: string; redacted: boolean }>;
  rows: Array<{ id: number; values: Record<string, unknown> }>;
};

async function fetchPreview(datasetId: number, selection: string, cursor: Cursor): Promise<PreviewResponse> {
  const query = new URLSearchParams(selection);
  query.set("limit", String(PAGE_SIZE));
  if (cursor.after !== undefined) query.set("after", String(cursor.after));
  if (cursor.before !== undefined) query.set("before", String(cursor.before));
  const response = await fetch(`/api/datasets/${datasetId}/records?${query}`);
  if (!response.ok) throw new Error(`preview: HTTP ${response.status}`);
  return (await response.json()) as PreviewResponse;
}

export function PreviewTable({ dataset }: { dataset: Pick<DatasetJson, "id" | "columns"> }) {
  const { locale, t } = useI18n();
  // The applied export options, so the preview shows what the export would carry.
  const options = useSharedOptions();
  const selection = options ? selectionQuery(options, { columns: true }).toString() : "";
  // A page cursor belongs to the options it was taken under; new options start at the top.
  const [paging, setPaging] = useState<{ selection: string; cursor: Cursor }>({ selection, cursor: {} });
  const cursor = paging.selection === selection ? paging.cursor : {};
  const setCursor = (next: Cursor) => setPaging({ selection, cursor: next });
  // Date-times in the zone the export would write them in. Applied options name their zone
  // unless it is the server's UTC; with no options at all the export dialog would start at the
  // browser's zone.
  const browserZone = useBrowserTimeZone();
  const timeZone = options ? (options.timezone ?? "UTC") : browserZone;
  const { data, isPending, isError, isFetching } = useQuery({
    queryKey: ["preview", dataset.id, selection, cursor],
    queryFn: () => fetchPreview(dataset.id, selection, cursor),
    placeholderData: keepPreviousData,
  });
  const typeOf = new Map(dataset.columns.map((c) => [c.key, c.type]));
  const shown = (data?.columns ?? dataset.columns.map((c) => ({ key: c.key, header: c.label, redacted: false }))).map(
    (c) => ({ ...c, type: c.redacted ? ("string" as const) : (typeOf.get(c.key) ?? ("string" as const)) }),
  );

  const rows = data?.rows ?? [];
  const from = data?.first_position ?? 0;
  const to = from + rows.length - 1;

  return (
    <section aria-labelledby="preview-heading" className="rounded-lg border border-slate-200 bg-white shadow-sm">
      <div className="flex flex-wrap items-center gap-3 border-b border-slate-200 px-5 py-3">
        <h2 id="preview-heading" className="text-lg font-semibold">
          {t("dataset.preview")}
        </h2>
        {data && rows.length > 0 ? (
          <span className="text-sm text-slate-500" data-testid="preview-range">
            {t("dataset.previewRange", {
              from: formatNumber(locale, from),
              to: formatNumber(locale, to),
              total: formatNumber(locale, data.total),
            })}
          </span>
        ) : null}
        <div className="ml-auto flex gap-2">
          <PagerButton
            label={t("pager.first")}
            disabled={!data?.has_previous || isFetching}
            onClick={() => setCursor({})}
          />
          <PagerButton
            label={t("pager.previous")}
            disabled={!data?.has_previous || isFetching}
            onClick={() => rows[0] && setCursor({ before: rows[0].id })}
          />
          <PagerButton
            label={t("pager.next")}
            disabled={!data?.has_next || isFetching}
            onClick={() => rows.at(-1) && setCursor({ after: rows.at(-1)?.id })}
          />
        </div>
      </div>
      {isPending ? (
        <p role="status" className="px-5 py-10 text-center text-sm text-slate-500">
          {t("dataset.loading")}
        </p>
      ) : isError ? (
        <p role="alert" className="px-5 py-10 text-center text-sm text-red-700">
          {t("dataset.previewError")}
        </p>
      ) : rows.length === 0 ? (
        <p className="px-5 py-10 text-center text-sm text-slate-500">
          {selection ? t("exportOptions.summary.none") : t("dataset.previewEmpty")}
        </p>
      ) : (
        // Focusable, and named by the heading, so that keyboard users can scroll it sideways.
        <div
          className="relative overflow-x-auto"
          aria-busy={isFetching}
          role="region"
          aria-labelledby="preview-heading"
          tabIndex={0}
        >
          <table className="w-full text-left text-sm" data-testid="preview-table">
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
              <tr>
                {shown.map((column) => (
                  <th
                    key={column.key}
                    scope="col"
                    className={`whitespace-nowrap px-3 py-2 ${isNumericType(column.type) ? "text-right" : ""}`}
                  >
                    {column.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((row) => (
                <tr key={row.id} className="even:bg-slate-50/60">
                  {shown.map((column) => {
                    const text = formatCell(row.values[column.key], column.type, locale, timeZone);
                    return (
                      <td
                        key={column.key}
                        title={text.length > 40 ? text : undefined}
                        className={`max-w-xs truncate px-3 py-1.5 ${isNumericType(column.type) ? "text-right tabular-nums" : ""} ${
                          text === REDACTED ? "italic text-slate-400" : ""
                        }`}
                      >
                        {text}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function PagerButton({ label, disabled, onClick }: { label: string; disabled: boolean; onClick: () => void }) {
  return (
    <button
      type="button"
      disabled={disabled}
      onClick={onClick}
      className="rounded-md border border-slate-300 px-3 py-1 text-sm text-slate-700 transition hover:bg-slate-100 disabled:cursor-not-allowed disabled:opacity-40"
    >
      {label}
    </button>
  );
}
