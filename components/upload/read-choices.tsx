"use client";
// The inspect result: what was detected and how the file is read, each choice changeable
// (a change reads the file again). Only the choices that apply to the format are shown.
import { useId } from "react";
import type { TReadOverrides } from "@/lib/datasets/dataset-schemas";
import { isMessageKey } from "@/lib/i18n";
import { DELIMITERS, TEXT_ENCODINGS, type Delimiter } from "@/lib/imports/types";
import { useI18n } from "../i18n/i18n-provider";
import type { InspectAnswer, InspectWarning } from "./inspect-result";

const FORMAT_NAMES: Record<InspectAnswer["format"], string> = {
  csv: "CSV",
  xlsx: "Excel (XLSX)",
  json: "JSON",
  ndjson: "NDJSON",
  parquet: "Parquet",
};

const ENCODING_NAMES: Record<(typeof TEXT_ENCODINGS)[number], string> = {
  "utf-8": "UTF-8",
  "utf-16le": "UTF-16 LE",
  "utf-16be": "UTF-16 BE",
  cp949: "CP949 / EUC-KR",
  "windows-1252": "Windows-1252",
};

const DELIMITER_KEYS = {
  ",": "upload.delimiter.comma",
  ";": "upload.delimiter.semicolon",
  "\t": "upload.delimiter.tab",
  "|": "upload.delimiter.pipe",
} as const satisfies Record<Delimiter, string>;

export function ReadChoices({
  answer,
  busy,
  onChange,
}: {
  answer: InspectAnswer;
  busy: boolean;
  onChange: (change: TReadOverrides) => void;
}) {
  const { t } = useI18n();
  const ids = { encoding: useId(), delimiter: useId(), sheet: useId(), header: useId() };
  const detected = answer.detected;
  const selectClass = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
  const warnings = (answer.warnings ?? []).map((w) => warningText(w, t)).filter((w) => w !== "");

  return (
    <div className="space-y-4" data-testid="read-choices">
      <dl className="text-sm">
        <dt className="inline font-medium text-slate-700">{t("upload.inspect.format")}: </dt>
        <dd className="inline" data-testid="detected-format">
          {FORMAT_NAMES[answer.format] ?? answer.format}
        </dd>
      </dl>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {answer.encoding !== null ? (
          <div>
            <label htmlFor={ids.encoding} className="text-sm font-medium text-slate-700">
              {t("upload.inspect.encoding")}
            </label>
            <select
              id={ids.encoding}
              value={answer.encoding}
              disabled={busy}
              onChange={(event) => onChange({ encoding: event.target.value as (typeof TEXT_ENCODINGS)[number] })}
              className={selectClass}
            >
              {TEXT_ENCODINGS.map((encoding) => (
                <option key={encoding} value={encoding}>
                  {ENCODING_NAMES[encoding]}
                </option>
              ))}
            </select>
            {detected?.encoding ? (
              <p className="mt-0.5 text-xs text-slate-500">
                {t("upload.inspect.detected", { value: ENCODING_NAMES[detected.encoding] ?? detected.encoding })}
              </p>
            ) : null}
          </div>
        ) : null}
        {answer.format === "csv" ? (
          <div>
            <label htmlFor={ids.delimiter} className="text-sm font-medium text-slate-700">
              {t("upload.inspect.delimiter")}
            </label>
            <select
              id={ids.delimiter}
              value={answer.delimiter ?? ","}
              disabled={busy}
              onChange={(event) => onChange({ delimiter: event.target.value as Delimiter })}
              className={selectClass}
            >
              {DELIMITERS.map((delimiter) => (
                <option key={delimiter} value={delimiter}>
                  {t(DELIMITER_KEYS[delimiter])}
                </option>
              ))}
            </select>
            {detected?.delimiter ? (
              <p className="mt-0.5 text-xs text-slate-500">
                {t("upload.inspect.detected", { value: t(DELIMITER_KEYS[detected.delimiter]) })}
              </p>
            ) : null}
          </div>
        ) : null}
        {answer.format === "xlsx" ? (
          <div>
            <label htmlFor={ids.sheet} className="text-sm font-medium text-slate-700">
              {t("upload.inspect.sheet")}
            </label>
            <select
              id={ids.sheet}
              value={answer.sheet ?? ""}
              disabled={busy}
              onChange={(event) => onChange({ sheet: event.target.value })}
              className={selectClass}
            >
              {(answer.sheets && answer.sheets.length > 0 ? answer.sheets : [answer.sheet ?? ""]).map((sheet) => (
                <option key={sheet} value={sheet}>
                  {sheet}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {answer.format === "csv" || answer.format === "xlsx" ? (
          <div className="flex items-center gap-2 self-end pb-1.5">
            <input
              id={ids.header}
              type="checkbox"
              checked={answer.header}
              disabled={busy}
              onChange={(event) => onChange({ header: event.target.checked })}
              className="size-4 rounded border-slate-300"
            />
            <label htmlFor={ids.header} className="text-sm text-slate-700">
              {t("upload.inspect.header")}
            </label>
          </div>
        ) : null}
      </div>
      {warnings.length > 0 ? (
        <div className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <p className="font-medium">{t("upload.inspect.warnings")}</p>
          <ul className="mt-1 list-disc pl-5">
            {warnings.map((warning, index) => (
              <li key={index}>{warning}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

function warningText(warning: InspectWarning, t: ReturnType<typeof useI18n>["t"]): string {
  if (typeof warning === "string") return isMessageKey(warning) ? t(warning) : warning;
  if (warning.message) return warning.message;
  if (warning.key && isMessageKey(warning.key)) return t(warning.key, warning.params);
  return warning.key ?? "";
}
