"use client";
// The first sample rows rendered with the types chosen in the editor. A value the chosen
// type cannot hold is marked in red, with the reason as its tooltip (and for screen
// readers), since the import would reject its row.
import { formatNumber } from "@/lib/i18n";
import { useI18n } from "../i18n/i18n-provider";
import { isNumericType } from "../datasets/format-cell";
import type { ColumnDraft } from "./column-draft";
import { typedCell } from "./typed-cell";

export const PREVIEW_ROWS = 20;

export function TypedPreview({ columns, rows }: { columns: ColumnDraft[]; rows: unknown[][] }) {
  const { locale, t } = useI18n();
  const shown = rows.slice(0, PREVIEW_ROWS);
  const cells = shown.map((row) => columns.map((column) => typedCell(row[column.source], column.type, locale)));
  const bad = cells.reduce((sum, row) => sum + row.filter((cell) => !cell.ok).length, 0);

  if (shown.length === 0) return <p className="text-sm text-slate-500">{t("upload.preview.empty")}</p>;
  return (
    <div className="space-y-2">
      {bad > 0 ? (
        <p className="text-sm text-red-700" data-testid="preview-bad-count">
          {t("upload.preview.bad", { count: formatNumber(locale, bad) })}
        </p>
      ) : null}
      <div
        role="region"
        aria-label={t("upload.preview.heading")}
        tabIndex={0}
        className="max-w-full overflow-x-auto rounded-md border border-slate-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
      >
        <table className="w-full text-left text-sm" data-testid="typed-preview">
          <caption className="sr-only">
            {t("upload.preview.caption", { count: formatNumber(locale, shown.length) })}
          </caption>
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
            <tr>
              {columns.map((column) => (
                <th
                  key={column.source}
                  scope="col"
                  className={`whitespace-nowrap px-3 py-2 ${isNumericType(column.type) ? "text-right" : ""}`}
                >
                  {column.label || column.key}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {cells.map((row, rowIndex) => (
              <tr key={rowIndex} className="even:bg-slate-50/60">
                {row.map((cell, index) => {
                  const column = columns[index] as ColumnDraft;
                  const reason = cell.ok ? null : t(`upload.preview.notFit.${column.type}`);
                  return (
                    <td
                      key={column.source}
                      title={reason ?? (cell.text.length > 40 ? cell.text : undefined)}
                      data-bad={cell.ok ? undefined : "true"}
                      className={`max-w-xs truncate px-3 py-1.5 ${isNumericType(column.type) ? "text-right tabular-nums" : ""} ${
                        cell.ok ? "" : "bg-red-50 font-medium text-red-700 underline decoration-wavy underline-offset-4"
                      }`}
                    >
                      {cell.text}
                      {reason ? <span className="sr-only"> ({reason})</span> : null}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
