// How a record's value reads in the preview table (display only; exports have their
// own value rules in lib/export).
import type { ColumnType } from "@/lib/generated/prisma/enums";
import type { Locale } from "@/lib/i18n";

export function formatCell(value: unknown, type: ColumnType, locale: Locale): string {
  if (value === null || value === undefined) return "";
  const numberLocale = locale === "ko" ? "ko-KR" : "en-US";
  switch (type) {
    case "integer":
      return typeof value === "number" ? new Intl.NumberFormat(numberLocale).format(value) : String(value);
    case "number":
      return typeof value === "number"
        ? new Intl.NumberFormat(numberLocale, { maximumFractionDigits: 6 }).format(value)
        : String(value);
    case "boolean":
      return value === true ? "true" : value === false ? "false" : String(value);
    case "datetime":
      return typeof value === "string"
        ? value.replace("T", " ").replace(/\.\d+/, "").replace(/Z$/, " UTC")
        : String(value);
    case "json":
      return typeof value === "string" ? value : JSON.stringify(value);
    default:
      return typeof value === "string" ? value : JSON.stringify(value);
  }
}

export function isNumericType(type: ColumnType): boolean {
  return type === "integer" || type === "number";
}
