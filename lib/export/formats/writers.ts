// Which writer turns batches of rows into each format's bytes; keyed by the registry
// (./index.ts), so a format without a writer does not compile.
import type { TExportOptions } from "../options";
import type { ExportInfo, RowBatch, WriterContext } from "../types";
import { writeCsv } from "./csv";
import type { ExportFormat } from "./index";
import { writeJson, writeNdjson } from "./json";
import { writeParquet } from "./parquet";
import { writePdf, type PdfWriterOptions } from "./pdf";
import { writeXlsx } from "./xlsx";

export type WriterInput = {
  context: WriterContext;
  options: Pick<TExportOptions, "delimiter" | "bom">;
  info: ExportInfo;
  /** The report's summary, words and images: required for PDF, ignored otherwise. */
  pdf?: Omit<PdfWriterOptions, "info" | "onRowsLaidOut">;
  /** Rows laid out so far, for the writers that report it themselves (PDF). */
  onRowsLaidOut?: (rows: number) => void;
};

export type FormatWriter = {
  write: (rows: AsyncIterable<RowBatch>, input: WriterInput) => AsyncIterable<Uint8Array>;
  /** Progress counts rows the writer has laid out (it calls onRowsLaidOut), not rows read. */
  ownProgress?: boolean;
};

export const FORMAT_WRITERS = {
  csv: {
    write: (rows, { context, options }) =>
      writeCsv(rows, { ...context, delimiter: options.delimiter, bom: options.bom }),
  },
  json: { write: (rows, { context }) => writeJson(rows, context) },
  ndjson: { write: (rows, { context }) => writeNdjson(rows, context) },
  excel: { write: (rows, { context, info }) => writeXlsx(rows, { ...context, info }) },
  parquet: { write: (rows, { context }) => writeParquet(rows, context) },
  pdf: {
    write: (rows, { context, info, pdf, onRowsLaidOut }) => {
      if (!pdf) throw new Error("a PDF export needs its summary and labels");
      return writePdf(rows, { ...context, ...pdf, info, onRowsLaidOut });
    },
    ownProgress: true,
  },
} as const satisfies Record<ExportFormat, FormatWriter>;
