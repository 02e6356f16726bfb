// The pipeline: row source → writer (→ gzip), pulled by whoever consumes the bytes (an
// HTTP response, a file). Counts rows for progress, collects value warnings, stops on
// an AbortSignal, and — being pull-based — reads the database only as fast as bytes leave.
import { gzip } from "./compress";
import { isGzipped, type ExportFormat } from "./formats";
import { FORMAT_WRITERS, type CopyRows, type FormatWriter, type WriterInput } from "./formats/writers";
import type { TExportOptions } from "./options";
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
  /** The same rows as COPY output, taken instead of `source` by the formats that can (FormatWriter.fromCopy). */
  copy?: CopyRows;
  options: Pick<TExportOptions, "delimiter" | "bom" | "compression" | "timezone">;
  info: ExportInfo;
  signal?: AbortSignal;
  onProgress?: (rowsDone: number) => void;
  /** The report's summary, words and images: required for PDF, ignored otherwise. */
  pdf?: WriterInput["pdf"];
  /** The workbook's info-sheet words and column measure: Excel only. */
  excel?: WriterInput["excel"];
};

const KEPT_WARNINGS = 20;

export function runExport(input: RunExportInput): { bytes: AsyncIterable<Uint8Array>; stats: ExportStats } {
  const stats: ExportStats = { rows: 0, bytes: 0, warningCount: 0, warnings: [] };
  const { signal, onProgress } = input;
  const writer: FormatWriter = FORMAT_WRITERS[input.format];
  const { copy } = input;

  async function* counted(): AsyncGenerator<RowBatch> {
    for await (const batch of input.source) {
      signal?.throwIfAborted();
      stats.rows += batch.length;
      yield batch;
      if (!writer.ownProgress) onProgress?.(stats.rows);
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

  async function* bytes(): AsyncGenerator<Uint8Array> {
    signal?.throwIfAborted();
    const onRows = (rows: number) => {
      stats.rows = rows;
      onProgress?.(rows);
    };
    const writerInput: WriterInput = {
      context,
      options: input.options,
      info: input.info,
      pdf: input.pdf,
      excel: input.excel,
      onRowsLaidOut: writer.ownProgress ? onProgress : undefined,
    };
    const raw =
      copy && writer.fromCopy
        ? writer.fromCopy(copy, { ...writerInput, onRows })
        : writer.write(counted(), writerInput);
    const out = isGzipped(input.format, input.options) ? gzip(raw) : raw;
    for await (const chunk of out) {
      signal?.throwIfAborted();
      stats.bytes += chunk.byteLength;
      yield chunk;
    }
  }

  return { bytes: bytes(), stats };
}
