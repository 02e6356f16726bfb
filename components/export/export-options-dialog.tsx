"use client";

import { useState } from "react";
import type { DatasetJson } from "@/lib/datasets/present-dataset";
import { FILTER_OPS_BY_TYPE, type FilterOp } from "@/lib/export/options";
import type { MessageKey } from "@/lib/i18n";
import { useI18n } from "../i18n/i18n-provider";
import { Dialog } from "../ui/dialog";
import {
  draftErrors,
  draftToOptions,
  hasDraftErrors,
  initialDraft,
  type DraftFilter,
  type OptionsDraft,
} from "./options-draft";
import { pdfCapText, summaryParts } from "./options-summary";
import { useExportCount } from "./use-export-count";

type Dataset = Pick<DatasetJson, "id" | "columns" | "date_column" | "record_count">;
type FlagKey = "bom" | "gzip" | "includeCharts" | "landscape" | "includeSensitive";

const TIMEZONES = [
  "UTC",
  "Asia/Seoul",
  "Asia/Shanghai",
  "Europe/London",
  "Europe/Paris",
  "America/New_York",
  "America/Los_Angeles",
];

const inputClass =
  "rounded-md border border-slate-300 px-2 py-1 text-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100";

export function ExportOptionsDialog({
  open,
  dataset,
  draft,
  isAdmin,
  pdfRowCap = null,
  onClose,
  onApply,
}: {
  open: boolean;
  dataset: Dataset;
  draft: OptionsDraft;
  isAdmin: boolean;
  /** The most records a PDF report holds, to say so by the PDF settings. */
  pdfRowCap?: number | null;
  onClose: () => void;
  onApply: (draft: OptionsDraft) => void;
}) {
  const { locale, t } = useI18n();
  // Mounted on open (see ExportButtons), so each opening starts from the applied draft.
  const [edit, setEdit] = useState(draft);
  const [nextFilterId, setNextFilterId] = useState(() => Math.max(0, ...draft.filters.map((f) => f.id)) + 1);

  const typeOf = (key: string) => dataset.columns.find((c) => c.key === key)?.type ?? "string";
  const filterable = dataset.columns.filter((c) => isAdmin || !c.sensitive);
  const dateColumns = dataset.columns.filter((c) => c.type === "date" || c.type === "datetime");
  const noColumns = !edit.columns.some((c) => c.selected);

  // Shown once Apply was pressed, then kept up to date as the fields change.
  const [checked, setChecked] = useState(false);
  const errors = checked ? draftErrors(edit) : { filters: {} };
  // The live count of what these options would export (not of a draft still in error).
  const editOptions = draftToOptions(edit, dataset);
  const count = useExportCount(dataset, editOptions, { enabled: !hasDraftErrors(draftErrors(edit)) });
  const noRecords = count.status === "done" && count.count === 0;
  const pdfCap = pdfCapText(count, pdfRowCap, t, locale);
  const apply = () => {
    if (hasDraftErrors(draftErrors(edit))) {
      setChecked(true);
      // The first field in error takes the focus, where its message is read out.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-options-error="true"]')?.focus());
      return;
    }
    onApply(edit);
  };
  /** A field's error state, and its message below it. */
  const invalid = (key: MessageKey | undefined, id: string) =>
    key ? { "aria-invalid": true, "aria-describedby": id, "data-options-error": "true" } : {};
  const message = (key: MessageKey | undefined, id: string) =>
    key ? (
      <span id={id} className="text-xs text-red-700">
        {t(key)}
      </span>
    ) : null;

  const update = (patch: Partial<OptionsDraft>) => setEdit((current) => ({ ...current, ...patch }));
  /** A checkbox for one of the draft's on/off settings. */
  const flag = (key: FlagKey, label: MessageKey) => (
    <label className="flex items-center gap-2 text-sm">
      <input type="checkbox" checked={edit[key]} onChange={(e) => update({ [key]: e.target.checked })} />
      {t(label)}
    </label>
  );
  const updateFilter = (id: number, patch: Partial<DraftFilter>) =>
    update({ filters: edit.filters.map((f) => (f.id === id ? { ...f, ...patch } : f)) });
  const move = (index: number, delta: number) => {
    const columns = [...edit.columns];
    const [moved] = columns.splice(index, 1);
    if (!moved) return;
    columns.splice(index + delta, 0, moved);
    update({ columns });
  };

  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t("options.title")}
      footer={
        <>
          <button
            type="button"
            onClick={() => setEdit(initialDraft(dataset))}
            className="mr-auto rounded-md px-3 py-1.5 text-sm text-slate-600 hover:bg-slate-100"
          >
            {t("options.reset")}
          </button>
          <button
            type="button"
            onClick={onClose}
            className="rounded-md border border-slate-300 px-4 py-1.5 text-sm hover:bg-slate-50"
          >
            {t("options.cancel")}
          </button>
          <button
            type="button"
            disabled={noColumns}
            onClick={apply}
            className="rounded-md bg-brand-500 px-4 py-1.5 text-sm font-medium text-white hover:bg-brand-600 disabled:opacity-50"
          >
            {t("options.apply")}
          </button>
        </>
      }
    >
      <div className="space-y-6">
        <p
          className={`rounded-md px-3 py-2 text-sm ${noRecords ? "bg-amber-50 font-medium text-amber-900" : "bg-slate-50 text-slate-600"}`}
          data-testid="options-count"
          aria-live="polite"
        >
          {t("exportOptions.dialog.count", {
            summary: summaryParts(editOptions, dataset, count, t, locale).join(" · "),
          })}
        </p>
        {/* min-w-0: a fieldset is otherwise never narrower than its rows, which then overflowed a phone. */}
        <fieldset className="min-w-0">
          <legend className="font-medium">{t("options.columns")}</legend>
          <p className="mb-2 text-xs text-slate-500">{t("options.columnsHint")}</p>
          <div className="mb-2 flex gap-2 text-xs">
            <button
              type="button"
              className="text-brand-700 hover:underline"
              onClick={() => update({ columns: edit.columns.map((c) => ({ ...c, selected: true })) })}
            >
              {t("options.selectAll")}
            </button>
            <button
              type="button"
              className="text-brand-700 hover:underline"
              onClick={() => update({ columns: edit.columns.map((c) => ({ ...c, selected: false })) })}
            >
              {t("options.selectNone")}
            </button>
          </div>
          <ol className="divide-y divide-slate-100 rounded-md border border-slate-200">
            {edit.columns.map((column, index) => (
              <li key={column.key} className="flex items-center gap-2 px-3 py-1.5" data-testid="option-column">
                <input
                  type="checkbox"
                  id={`col-${column.key}`}
                  checked={column.selected}
                  onChange={(e) =>
                    update({
                      columns: edit.columns.map((c) =>
                        c.key === column.key ? { ...c, selected: e.target.checked } : c,
                      ),
                    })
                  }
                />
                <label htmlFor={`col-${column.key}`} className="w-28 shrink-0 truncate text-sm sm:w-44">
                  {column.label}
                </label>
                <input
                  aria-label={t("options.rename", { column: column.label })}
                  placeholder={column.label}
                  value={column.rename}
                  onChange={(e) =>
                    update({
                      columns: edit.columns.map((c) => (c.key === column.key ? { ...c, rename: e.target.value } : c)),
                    })
                  }
                  className={`${inputClass} min-w-0 flex-1`}
                />
                <button
                  type="button"
                  aria-label={t("options.moveUp", { column: column.label })}
                  disabled={index === 0}
                  onClick={() => move(index, -1)}
                  className="px-1 text-slate-500 disabled:opacity-30"
                >
                  ↑
                </button>
                <button
                  type="button"
                  aria-label={t("options.moveDown", { column: column.label })}
                  disabled={index === edit.columns.length - 1}
                  onClick={() => move(index, 1)}
                  className="px-1 text-slate-500 disabled:opacity-30"
                >
                  ↓
                </button>
              </li>
            ))}
          </ol>
          {noColumns ? (
            <p role="alert" className="mt-1 text-sm text-red-700">
              {t("options.needColumn")}
            </p>
          ) : null}
        </fieldset>

        {dateColumns.length > 0 ? (
          <fieldset className="flex flex-wrap items-start gap-3">
            <legend className="mb-2 font-medium">{t("options.dateRange")}</legend>
            <label className="flex flex-col text-sm">
              {t("options.dateColumn")}
              <select
                value={edit.dateColumn}
                onChange={(e) => update({ dateColumn: e.target.value })}
                className={inputClass}
              >
                {dateColumns.map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.label}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex flex-col text-sm">
              {t("options.start")}
              <input
                type="date"
                value={edit.start}
                onChange={(e) => update({ start: e.target.value })}
                className={inputClass}
              />
            </label>
            <label className="flex flex-col text-sm">
              {t("options.end")}
              <input
                type="date"
                value={edit.end}
                onChange={(e) => update({ end: e.target.value })}
                className={inputClass}
                {...invalid(errors.end, "options-end-error")}
              />
              {message(errors.end, "options-end-error")}
            </label>
          </fieldset>
        ) : null}

        <fieldset className="min-w-0">
          <legend className="mb-2 font-medium">{t("options.filters")}</legend>
          <div className="mb-2 flex items-center gap-2 text-sm">
            <span>{t("options.match")}</span>
            <select
              value={edit.filterMode}
              onChange={(e) => update({ filterMode: e.target.value as "all" | "any" })}
              className={inputClass}
              aria-label={t("options.match")}
            >
              <option value="all">{t("options.matchAll")}</option>
              <option value="any">{t("options.matchAny")}</option>
            </select>
          </div>
          {edit.filters.length === 0 ? <p className="text-sm text-slate-500">{t("options.noFilters")}</p> : null}
          <ul className="space-y-2">
            {edit.filters.map((filter) => {
              const type = typeOf(filter.column);
              const ops = FILTER_OPS_BY_TYPE[type] ?? ["is_null"];
              return (
                <li key={filter.id} className="flex flex-wrap items-center gap-2" data-testid="option-filter">
                  <select
                    aria-label={t("options.filterColumn")}
                    value={filter.column}
                    onChange={(e) => {
                      const nextOps = FILTER_OPS_BY_TYPE[typeOf(e.target.value)] ?? ["is_null"];
                      updateFilter(filter.id, {
                        column: e.target.value,
                        op: nextOps.includes(filter.op) ? filter.op : (nextOps[0] ?? "is_null"),
                        value: "",
                        value2: "",
                      });
                    }}
                    className={inputClass}
                  >
                    {filterable.map((c) => (
                      <option key={c.key} value={c.key}>
                        {c.label}
                      </option>
                    ))}
                  </select>
                  <select
                    aria-label={t("options.filterOp")}
                    value={filter.op}
                    onChange={(e) => updateFilter(filter.id, { op: e.target.value as FilterOp })}
                    className={inputClass}
                  >
                    {ops.map((op) => (
                      <option key={op} value={op}>
                        {t(`op.${op}`)}
                      </option>
                    ))}
                  </select>
                  {filter.op === "is_null" ? null : type === "boolean" ? (
                    <select
                      aria-label={t("options.filterValue")}
                      value={filter.value}
                      onChange={(e) => updateFilter(filter.id, { value: e.target.value })}
                      className={inputClass}
                      {...invalid(errors.filters[filter.id]?.value, `filter-${filter.id}-value-error`)}
                    >
                      <option value="" />
                      <option value="true">true</option>
                      <option value="false">false</option>
                    </select>
                  ) : (
                    <input
                      aria-label={t("options.filterValue")}
                      type={
                        filter.op === "in"
                          ? "text"
                          : type === "date"
                            ? "date"
                            : type === "integer" || type === "number"
                              ? "number"
                              : "text"
                      }
                      step="any"
                      placeholder={filter.op === "in" ? t("options.inHint") : undefined}
                      value={filter.value}
                      onChange={(e) => updateFilter(filter.id, { value: e.target.value })}
                      className={inputClass}
                      {...invalid(errors.filters[filter.id]?.value, `filter-${filter.id}-value-error`)}
                    />
                  )}
                  {message(errors.filters[filter.id]?.value, `filter-${filter.id}-value-error`)}
                  {filter.op === "between" ? (
                    <>
                      <span className="text-sm text-slate-500">{t("options.filterValueHigh")}</span>
                      <input
                        aria-label={`${t("options.filterValue")} 2`}
                        type={type === "date" ? "date" : type === "integer" || type === "number" ? "number" : "text"}
                        step="any"
                        value={filter.value2}
                        onChange={(e) => updateFilter(filter.id, { value2: e.target.value })}
                        className={inputClass}
                        {...invalid(errors.filters[filter.id]?.value2, `filter-${filter.id}-value2-error`)}
                      />
                      {message(errors.filters[filter.id]?.value2, `filter-${filter.id}-value2-error`)}
                    </>
                  ) : null}
                  <button
                    type="button"
                    onClick={() => update({ filters: edit.filters.filter((f) => f.id !== filter.id) })}
                    className="text-sm text-red-700 hover:underline"
                  >
                    {t("options.removeFilter")}
                  </button>
                </li>
              );
            })}
          </ul>
          <button
            type="button"
            disabled={filterable.length === 0}
            onClick={() => {
              const first = filterable[0];
              if (!first) return;
              update({
                filters: [
                  ...edit.filters,
                  {
                    id: nextFilterId,
                    column: first.key,
                    op: FILTER_OPS_BY_TYPE[first.type]?.[0] ?? "is_null",
                    value: "",
                    value2: "",
                  },
                ],
              });
              setNextFilterId((id) => id + 1);
            }}
            className="mt-2 rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-50"
          >
            + {t("options.addFilter")}
          </button>
        </fieldset>

        <fieldset className="grid gap-3 sm:grid-cols-2">
          <legend className="mb-2 font-medium">{t("options.format")}</legend>
          <label className="flex flex-col text-sm">
            {t("options.delimiter")}
            <select
              value={edit.delimiter}
              onChange={(e) => update({ delimiter: e.target.value as OptionsDraft["delimiter"] })}
              className={inputClass}
            >
              <option value=",">{t("options.delimiter.comma")}</option>
              <option value=";">{t("options.delimiter.semicolon")}</option>
              <option value="tab">{t("options.delimiter.tab")}</option>
            </select>
          </label>
          <label className="flex flex-col text-sm">
            {t("options.timezone")}
            <select value={edit.timezone} onChange={(e) => update({ timezone: e.target.value })} className={inputClass}>
              {(TIMEZONES.includes(edit.timezone) ? TIMEZONES : [edit.timezone, ...TIMEZONES]).map((zone) => (
                <option key={zone} value={zone}>
                  {zone}
                </option>
              ))}
            </select>
          </label>
          {flag("bom", "options.bom")}
          {flag("gzip", "options.gzip")}
          {flag("includeCharts", "options.includeCharts")}
          {flag("landscape", "options.landscape")}
          {pdfCap ? (
            <p className="text-sm text-amber-800 sm:col-span-2" data-testid="options-pdf-cap">
              {pdfCap}
            </p>
          ) : null}
          {isAdmin && dataset.columns.some((c) => c.sensitive)
            ? flag("includeSensitive", "options.includeSensitive")
            : null}
        </fieldset>
      </div>
    </Dialog>
  );
}
