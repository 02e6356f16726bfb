"use client";
// The column editor: per column whether it is imported, its label, key, type and whether it is sensitive, with the
// reason next to a field that cannot be imported; then which column is the date column
// (only date and date-time columns are offered) and which the category column. The table
// scrolls inside its own box, which the keyboard can focus, so the page never does.
import { useId } from "react";
import { COLUMN_TYPES, type ColumnType } from "@/lib/export/types";
import { useI18n } from "../i18n/i18n-provider";
import { categoryColumnChoices, dateColumnChoices, type ColumnDraft, type ColumnProblems } from "./column-draft";

export function ColumnEditor({
  columns,
  problems,
  dateColumn,
  categoryColumn,
  onColumn,
  onDateColumn,
  onCategoryColumn,
}: {
  columns: ColumnDraft[];
  problems: Map<number, ColumnProblems>;
  dateColumn: string | null;
  categoryColumn: string | null;
  onColumn: (index: number, change: Partial<ColumnDraft>) => void;
  onDateColumn: (key: string | null) => void;
  onCategoryColumn: (key: string | null) => void;
}) {
  const { t } = useI18n();
  const dateId = useId();
  const dateHintId = useId();
  const categoryId = useId();
  const categoryHintId = useId();
  const errorId = useId();
  const inputClass = "w-full min-w-32 rounded-md border px-2 py-1 text-sm";
  const dateChoices = dateColumnChoices(columns);
  const categoryChoices = categoryColumnChoices(columns);

  return (
    <div className="space-y-4">
      <div
        role="region"
        aria-label={t("upload.columns.tableLabel")}
        tabIndex={0}
        className="max-w-full overflow-x-auto rounded-md border border-slate-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
      >
        <table className="w-full text-left text-sm" data-testid="column-editor">
          <thead className="whitespace-nowrap bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">
                {t("upload.columns.include")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("upload.columns.name")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("upload.columns.label")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("upload.columns.key")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("upload.columns.type")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("upload.columns.sensitive")}
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {columns.map((column, index) => {
              const problem = problems.get(index);
              const labelError = problem?.label ? t(`upload.columns.${problem.label}`) : null;
              const keyError = problem?.key ? t(`upload.columns.${problem.key}`) : null;
              return (
                <tr
                  key={column.source}
                  className={`align-top ${column.include ? "" : "bg-slate-50 text-slate-400"}`}
                  data-testid="column-row"
                >
                  <td className="px-3 pb-2 pt-3.5 text-center">
                    <input
                      type="checkbox"
                      checked={column.include}
                      aria-label={t("upload.columns.includeFor", { name: column.name })}
                      onChange={(event) => onColumn(index, { include: event.target.checked })}
                      className="size-4 rounded border-slate-300"
                    />
                  </td>
                  <th
                    scope="row"
                    // keep-all: Korean names break between words, not after every syllable,
                    // when the table is squeezed on a phone. pt-3 lines the name up with the
                    // text of the inputs beside it.
                    className="min-w-24 max-w-48 break-words break-keep px-3 pb-2 pt-3 font-normal text-slate-600"
                  >
                    {column.name}
                  </th>
                  <td className="px-3 py-2">
                    <input
                      type="text"
                      value={column.label}
                      aria-label={t("upload.columns.labelFor", { name: column.name })}
                      aria-invalid={labelError ? true : undefined}
                      aria-describedby={labelError ? `${errorId}-label-${index}` : undefined}
                      disabled={!column.include}
                      onChange={(event) => onColumn(index, { label: event.target.value })}
                      className={`${inputClass} ${labelError ? "border-red-500" : "border-slate-300"}`}
                    />
                    {labelError ? (
                      <p id={`${errorId}-label-${index}`} className="mt-1 text-xs text-red-700">
                        {labelError}
                      </p>
                    ) : null}
                  </td>
                  <td className="px-3 py-2">
                    <input
                      type="text"
                      value={column.key}
                      spellCheck={false}
                      autoCapitalize="off"
                      aria-label={t("upload.columns.keyFor", { name: column.name })}
                      aria-invalid={keyError ? true : undefined}
                      aria-describedby={keyError ? `${errorId}-key-${index}` : undefined}
                      disabled={!column.include}
                      onChange={(event) => onColumn(index, { key: event.target.value })}
                      className={`${inputClass} font-mono ${keyError ? "border-red-500" : "border-slate-300"}`}
                    />
                    {keyError ? (
                      <p id={`${errorId}-key-${index}`} className="mt-1 max-w-56 text-xs text-red-700">
                        {keyError}
                      </p>
                    ) : null}
                  </td>
                  <td className="px-3 py-2">
                    <select
                      value={column.type}
                      aria-label={t("upload.columns.typeFor", { name: column.name })}
                      disabled={!column.include}
                      onChange={(event) => onColumn(index, { type: event.target.value as ColumnType })}
                      className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
                    >
                      {COLUMN_TYPES.map((type) => (
                        <option key={type} value={type}>
                          {t(`upload.type.${type}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="px-3 pb-2 pt-3.5 text-center">
                    <input
                      type="checkbox"
                      checked={column.sensitive}
                      aria-label={t("upload.columns.sensitiveFor", { name: column.name })}
                      disabled={!column.include}
                      onChange={(event) => onColumn(index, { sensitive: event.target.checked })}
                      className="size-4 rounded border-slate-300"
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor={dateId} className="text-sm font-medium text-slate-700">
            {t("upload.columns.dateColumn")}
          </label>
          <select
            id={dateId}
            value={dateColumn ?? ""}
            aria-describedby={dateHintId}
            onChange={(event) => onDateColumn(event.target.value || null)}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
          >
            <option value="">{t("upload.columns.dateNone")}</option>
            {dateChoices.map((column) => (
              <option key={column.source} value={column.key}>
                {column.label || column.key}
              </option>
            ))}
          </select>
          <p id={dateHintId} className="mt-1 text-xs text-slate-500">
            {t("upload.columns.dateHint")}
          </p>
        </div>
        <div>
          <label htmlFor={categoryId} className="text-sm font-medium text-slate-700">
            {t("upload.columns.categoryColumn")}
          </label>
          <select
            id={categoryId}
            value={categoryColumn ?? ""}
            aria-describedby={categoryHintId}
            onChange={(event) => onCategoryColumn(event.target.value || null)}
            className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
          >
            <option value="">{t("upload.columns.categoryNone")}</option>
            {categoryChoices.map((column) => (
              <option key={column.source} value={column.key}>
                {column.label || column.key}
              </option>
            ))}
          </select>
          <p id={categoryHintId} className="mt-1 text-xs text-slate-500">
            {t("upload.columns.categoryHint")}
          </p>
        </div>
      </div>
    </div>
  );
}
