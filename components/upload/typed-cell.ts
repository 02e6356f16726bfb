// A sample value as it will be stored under a chosen type, for the upload preview. The
// decision is the storage rule itself (fitValue, pure and safe in the browser), so the
// preview marks exactly the values the import would reject; the display then goes
// through formatCell like the dataset page's preview.
import type { Locale } from "@/lib/i18n";
import type { ColumnType } from "@/lib/export/types";
import { fitValue } from "@/lib/sources/typed/row-values";
import { formatCell } from "../datasets/format-cell";

export type TypedCell = { ok: true; text: string } | { ok: false; text: string };

/** The value as it reads in the file: shown as it is when it does not fit. */
function raw(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function typedCell(value: unknown, type: ColumnType, locale: Locale): TypedCell {
  const fitted = fitValue(value, type);
  if (fitted.text === null) return fitted.reason === null ? { ok: true, text: "" } : { ok: false, text: raw(value) };
  switch (type) {
    case "integer":
    case "number": {
      const n = Number(fitted.text);
      // Digits past 2^53 read as the file has them rather than rounded by a double.
      return {
        ok: true,
        text: Number.isSafeInteger(n) || type === "number" ? formatCell(n, type, locale) : fitted.text,
      };
    }
    case "boolean":
      return { ok: true, text: formatCell(fitted.text === "t", type, locale) };
    case "date":
    case "datetime":
      return { ok: true, text: formatCell(fitted.text, type, locale) };
    default:
      // string and json: fitted.text is escaped for COPY; the value itself reads better.
      return { ok: true, text: formatCell(raw(value), type, locale) };
  }
}
