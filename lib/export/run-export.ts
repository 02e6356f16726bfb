// The pipeline: row source → writer (→ gzip), pulled by whoever consumes the bytes (an
// HTTP response, a file). Counts rows for progress, collects value warnings, stops on
// an AbortSignal, and — being pull-based — reads the database only as fast as bytes leave.
import { gzip } from "./compress";
import { FORMAT_SPECS } from "./formats";
import { writeCsv } from "./formats/csv";
import { writeJson, writeNdjson } from "./formats/json";
import { writeParquet } from "./formats/parquet";
import { writePdf, type PdfWriterOptions } from "./formats/pdf";
import { writeXlsx } from "./formats/xlsx";
import type { ExportFormat, TExportOptions } from "./options";
import type { ExportColumn, ExportInfo, RowBatch, ValueWarning, WriterContext } from "./types";

export type ExportStats = {
  rows: number;
  bytes: number;
  warningCount: number;
  /** The first few warnings, for the job row and the audit trail. */
  warnings: ValueWarning[];
};

export type RunExportInput = {
  format: ExportFormat;
  columns: readonly ExportColumn[];
  source: AsyncIterable<RowBatch>;
  options: Pick<TExportOptions, "delimiter" | "bom" | "compression" | "timezone">;
  info: ExportInfo;
  signal?: AbortSignal;
  onProgress?: (rowsDone: number) => void;
  /** The report's summary, words and images: required for PDF, ignored otherwise. */
  pdf?: Omit<PdfWriterOptions, "info" | "onRowsLaidOut">;
};

const KEPT_WARNINGS = 20;

export function runExport(input: RunExportInput): { bytes: AsyncIterable<Uint8Array>; stats: ExportStats } {
  const stats: ExportStats = { rows: 0, bytes: 0, warningCount: 0, warnings: [] };
  const { signal, onProgress } = input;

  async function* counted(): AsyncGenerator<RowBatch> {
    for await (const batch of input.source) {
      signal?.throwIfAborted();
      stats.rows += batch.length;
      yield batch;
      // A PDF reports rows once they are laid out, not when they are read.
      if (input.format !== "pdf") onProgress?.(stats.rows);
    }
  }

  const context: WriterContext = {
    columns: input.columns,
    timezone: input.options.timezone,
    onWarning: (warning) => {
      stats.warningCount++;
      if (stats.warnings.length < KEPT_WARNINGS) stats.warnings.push(warning);
    },
  };

  function written(): AsyncIterable<Uint8Array> {
    const rows = counted();
    switch (input.format) {
      case "csv":
        return writeCsv(rows, { ...context, delimiter: input.options.delimiter, bom: input.options.bom });
      case "json":
        return writeJson(rows, context);
      case "ndjson":
        return writeNdjson(rows, context);
      case "excel":
        return writeXlsx(rows, { ...context, info: input.info });
      case "parquet":
        return writeParquet(rows, context);
      case "pdf":
        if (!input.pdf) throw new Error("a PDF export needs its summary and labels");
        return writePdf(rows, { ...context, ...input.pdf, info: input.info, onRowsLaidOut: onProgress });
    }
  }

  async function* bytes(): AsyncGenerator<Uint8Array> {
    signal?.throwIfAborted();
    const raw = written();
    const out = input.options.compression === "gzip" && FORMAT_SPECS[input.format].compressible ? gzip(raw) : raw;
    for await (const chunk of out) {
      signal?.throwIfAborted();
      stats.bytes += chunk.byteLength;
      yield chunk;
    }
  }

  return { bytes: bytes(), stats };
}
