// The one composition of an export: a prepared export's rows, read from its dataset's
// source, through the engine's pipeline (lib/export) into bytes. The streamed download
// and the background job both open exports here; neither knows how rows are stored.
import { fileContentType, fileExtension } from "../export/formats";
import { runExport, type ExportStats, type RunExportInput } from "../export/run-export";
import type { Locale } from "../i18n";
import type { DatasetReader } from "../sources";
import { excelInfoSheet } from "./excel-info";
import { exportFileName, type ExportFileName } from "./export-file-name";
import type { JobWarning } from "./export-job-store";
import type { PreparedExport } from "./prepare-export";

export type OpenExportOptions = {
  signal?: AbortSignal;
  onProgress?: (rowsDone: number) => void;
  /** Rows read at a time (a PDF lays rows out far slower than they are read). */
  batchSize?: number;
  /** The report's summary, words and images (PDF only). */
  pdf?: RunExportInput["pdf"];
  /** The requester's language: the Excel "Export info" sheet's words (English when absent). */
  locale?: Locale;
};

export type OpenedExport = {
  bytes: AsyncIterable<Uint8Array>;
  stats: ExportStats;
  /** Records that could not become rows: how many, and the first few. */
  skipped: { count: number; first: JobWarning[] };
  fileName: ExportFileName;
  contentType: string;
};

export function openExport(
  prepared: PreparedExport,
  reader: DatasetReader,
  opts: OpenExportOptions = {},
): OpenedExport {
  const { format, plan, columns, options, info } = prepared;
  // Typed storage has no record that cannot become a row; the count stays for the job's record.
  const skipped: OpenedExport["skipped"] = { count: 0, first: [] };
  const rows = reader.rows(plan, { signal: opts.signal, batchSize: opts.batchSize });
  const { bytes, stats } = runExport({
    format,
    columns,
    source: rows,
    copy: {
      csv: (dialect) => reader.csv(plan, dialect, { signal: opts.signal }),
      text: () => reader.text(plan, { signal: opts.signal }),
      redacted: plan.columns.map((column) => column.redacted),
    },
    options,
    info,
    pdf: opts.pdf,
    // Widths from every row the export holds, measured by the source while the first rows come.
    excel:
      format === "excel"
        ? { infoSheet: excelInfoSheet(opts.locale ?? "en", prepared), extents: () => reader.extents(plan) }
        : undefined,
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
  return {
    bytes,
    stats,
    skipped,
    fileName: exportFileName(prepared.dataset.title, fileExtension(format, options), info.generatedAt),
    contentType: fileContentType(format, options),
  };
}
