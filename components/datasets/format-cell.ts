// How a record's value reads in the preview table: the same rule as the PDF's cells
// (lib/export/present-value.ts), in the reader's language and the export's time zone.
import type { ColumnType } from "@/lib/generated/prisma/enums";
import { translate, type Locale } from "@/lib/i18n";
import { presentValue } from "@/lib/export/present-value";

export function formatCell(value: unknown, type: ColumnType, locale: Locale, timezone = "UTC"): string {
  return presentValue(value, type, {
    timezone,
    labels: { yes: translate(locale, "value.yes"), no: translate(locale, "value.no") },
  });
}

export function isNumericType(type: ColumnType): boolean {
  return type === "integer" || type === "number";
}
