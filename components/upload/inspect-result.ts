// The answer of `POST /api/datasets/inspect` as the upload page reads it (snake_case, per
// the API's description of inspect), and the read choices the page sends back.
import type { TReadOverrides } from "@/lib/datasets/dataset-schemas";
import type { ColumnType } from "@/lib/export/types";
import type { Delimiter, FileFormat, TextEncoding } from "@/lib/imports/types";

export type InspectColumn = {
  source: number;
  /** The header as the file has it (older answers may leave it out: the label stands in). */
  name?: string;
  key: string;
  label: string;
  type: ColumnType;
  sensitive: boolean;
};

/** A warning as a message key with parameters, or already in words. */
export type InspectWarning = string | { key?: string; message?: string; params?: Record<string, string | number> };

export type InspectAnswer = {
  format: FileFormat;
  encoding: TextEncoding | null;
  delimiter: Delimiter | null;
  sheet: string | null;
  /** xlsx: every sheet, in workbook order. */
  sheets?: string[];
  header: boolean;
  detected?: { format: FileFormat; encoding: TextEncoding | null; delimiter: Delimiter | null };
  columns: InspectColumn[];
  sample_rows: unknown[][];
  warnings?: InspectWarning[];
};

/** The choices of an answer, as overrides that read the file the same way again. */
export function choicesOf(answer: InspectAnswer): TReadOverrides {
  return {
    format: answer.format,
    encoding: answer.encoding,
    delimiter: answer.delimiter,
    sheet: answer.sheet,
    header: answer.header,
  };
}
