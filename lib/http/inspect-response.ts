// What `POST /api/datasets/inspect` answers: the inspection of a file in the API's
// snake_case, its warnings in the caller's language (with their key, for a client that
// reacts to one), and sample values as JSON can carry them.
import { z } from "zod";
import { COLUMN_TYPES, type ColumnType } from "../export/types";
import { isMessageKey, translate, type Locale } from "../i18n";
import { DELIMITERS, FILE_FORMATS, TEXT_ENCODINGS, type ImportMessage, type InspectResult } from "../imports/types";

export type InspectResponse = {
  format: InspectResult["format"];
  encoding: InspectResult["encoding"];
  delimiter: InspectResult["delimiter"];
  sheet: string | null;
  sheets: string[];
  header: boolean;
  detected: InspectResult["detected"];
  columns: { source: number; name: string; key: string; label: string; type: ColumnType; sensitive: boolean }[];
  sample_rows: unknown[][];
  warnings: { code: string; message: string }[];
};

/** `InspectResponse` as a zod schema, for the API document (lib/http/openapi). */
export const ZInspectResponse = z.object({
  format: z.enum(FILE_FORMATS),
  encoding: z.enum(TEXT_ENCODINGS).nullable(),
  delimiter: z.enum(DELIMITERS).nullable(),
  sheet: z.string().nullable(),
  sheets: z.array(z.string()),
  header: z.boolean(),
  detected: z.object({
    format: z.enum(FILE_FORMATS),
    encoding: z.enum(TEXT_ENCODINGS).nullable(),
    delimiter: z.enum(DELIMITERS).nullable(),
  }),
  columns: z.array(
    z.object({
      source: z.number().int(),
      name: z.string(),
      key: z.string(),
      label: z.string(),
      type: z.enum(COLUMN_TYPES),
      sensitive: z.boolean(),
    }),
  ),
  sample_rows: z.array(z.array(z.unknown())),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
});

/**
 * A value read from a file, as JSON: a date becomes its ISO text (an invalid one null), a
 * 64-bit integer its digits, and nested objects and arrays the same, all the way down.
 */
export function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jsonSafe(v)]));
  }
  return value;
}

export function message(locale: Locale, warning: ImportMessage): { code: string; message: string } {
  return {
    code: warning.key,
    message: isMessageKey(warning.key) ? translate(locale, warning.key, warning.params) : warning.key,
  };
}

export function presentInspection(result: InspectResult, locale: Locale): InspectResponse {
  return {
    format: result.format,
    encoding: result.encoding,
    delimiter: result.delimiter,
    sheet: result.sheet,
    sheets: result.sheets,
    header: result.header,
    detected: result.detected,
    columns: result.columns.map(({ source, name, key, label, type, sensitive }) => ({
      source,
      name,
      key,
      label,
      type,
      sensitive,
    })),
    sample_rows: result.sampleRows.map((row) => row.map(jsonSafe)),
    warnings: result.warnings.map((warning) => message(locale, warning)),
  };
}
