// Which writer turns batches of rows into each format's bytes; keyed by the registry
// (./index.ts), so a format without a writer does not compile.
import type { TExportOptions } from "../options";
import type { ColumnExtent, ExportInfo, RowBatch, WriterContext } from "../types";
import { writeCsv } from "./csv";
import { writeCsvFromCopy, type CopyCsvDialect } from "./csv-copy";
import { writeJsonFromCopy, writeNdjsonFromCopy } from "./json-copy";
import type { ExportFormat } from "./index";
import { writeJson, writeNdjson } from "./json";
import { writeParquet, writeParquetFromCopy } from "./parquet";
import { writePdf, type PdfWriterOptions } from "./pdf";
import { writeXlsx, writeXlsxFromCopy, type XlsxInfoSheet } from "./xlsx";

export type WriterInput = {
  context: WriterContext;
  options: Pick<TExportOptions, "delimiter" | "bom">;
  info: ExportInfo;
  /** The report's summary, words and images: required for PDF, ignored otherwise. */
  pdf?: Omit<PdfWriterOptions, "info" | "onRowsLaidOut">;
  /** The workbook's "Export info" words and the source's measure of the columns: Excel only. */
  excel?: ExcelInput;
  /** Rows laid out so far, for the writers that report it themselves (PDF). */
  onRowsLaidOut?: (rows: number) => void;
};

export type ExcelInput = {
  /** The "Export info" sheet in the requester's language (English when absent). */
  infoSheet?: XlsxInfoSheet;
  /** Each column's measure over every row of the export, for exact widths (lib/export/types.ts). */
  extents?: () => Promise<readonly ColumnExtent[]>;
};

/**
 * The same rows as PostgreSQL writes them with COPY: its CSV (csv-copy.ts says what the query
 * writes), its text format (in UTC, ISO dates); `redacted` marks the columns of stand-ins.
 */
export type CopyRows = {
  csv: (dialect: CopyCsvDialect) => AsyncIterable<Uint8Array>;
  text: () => AsyncIterable<Uint8Array>;
  redacted: readonly boolean[];
};

export type FormatWriter = {
  write: (rows: AsyncIterable<RowBatch>, input: WriterInput) => AsyncIterable<Uint8Array>;
  /** Progress counts rows the writer has laid out (it calls onRowsLaidOut), not rows read. */
  ownProgress?: boolean;
  /**
   * The same file from COPY output instead of values, for the formats that can take it so
   * (a test compares the bytes of both); `onRows` is told the rows written so far.
   */
  fromCopy?: (copy: CopyRows, input: WriterInput & { onRows: (rows: number) => void }) => AsyncIterable<Uint8Array>;
};

export const FORMAT_WRITERS = {
  csv: {
    write: (rows, { context, options }) =>
      writeCsv(rows, { ...context, delimiter: options.delimiter, bom: options.bom }),
    fromCopy: (copy, { context, options, onRows }) =>
      writeCsvFromCopy(copy.csv({ delimiter: options.delimiter }), {
        columns: context.columns,
        redacted: copy.redacted,
        delimiter: options.delimiter,
        bom: options.bom,
        timezone: context.timezone,
        onRows,
      }),
  },
  json: {
    write: (rows, { context }) => writeJson(rows, context),
    fromCopy: (copy, { context, onRows }) =>
      writeJsonFromCopy(copy.text(), { ...context, redacted: copy.redacted, onRows }),
  },
  ndjson: {
    write: (rows, { context }) => writeNdjson(rows, context),
    fromCopy: (copy, { context, onRows }) =>
      writeNdjsonFromCopy(copy.text(), { ...context, redacted: copy.redacted, onRows }),
  },
  excel: {
    write: (rows, { context, info, excel }) =>
      writeXlsx(rows, { ...context, info, infoSheet: excel?.infoSheet, extents: excel?.extents }),
    fromCopy: (copy, { context, info, excel, onRows }) =>
      writeXlsxFromCopy(copy.text(), {
        ...context,
        info,
        infoSheet: excel?.infoSheet,
        extents: excel?.extents,
        redacted: copy.redacted,
        onRows,
      }),
  },
  parquet: {
    write: (rows, { context }) => writeParquet(rows, context),
    fromCopy: (copy, { context, onRows }) =>
      writeParquetFromCopy(copy.text(), { ...context, redacted: copy.redacted, onRows }),
  },
  pdf: {
    write: (rows, { context, info, pdf, onRowsLaidOut }) => {
      if (!pdf) throw new Error("a PDF export needs its summary and labels");
      return writePdf(rows, { ...context, ...pdf, info, onRowsLaidOut });
    },
    ownProgress: true,
  },
} as const satisfies Record<ExportFormat, FormatWriter>;
