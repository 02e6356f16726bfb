// The one composition of an export: a prepared export's rows, read from its dataset's
// source, through the engine's pipeline (lib/export) into bytes. The streamed download
// and the background job both open exports here; neither knows how rows are stored.
import { fileContentType, fileExtension } from "../export/formats";
import { runExport, type ExportStats, type RunExportInput } from "../export/run-export";
import type { DatasetReader } from "../sources";
import { exportFileName, type ExportFileName } from "./export-file-name";
import type { JobWarning } from "./export-job-store";
import type { PreparedExport } from "./prepare-export";

/** Skipped records named in the warnings; the rest are only counted. */
const KEPT_SKIPS = 20;

export type OpenExportOptions = {
  signal?: AbortSignal;
  onProgress?: (rowsDone: number) => void;
  /** Rows read at a time (a PDF lays rows out far slower than they are read). */
  batchSize?: number;
  /** The report's summary, words and images (PDF only). */
  pdf?: RunExportInput["pdf"];
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
  const skipped: OpenedExport["skipped"] = { count: 0, first: [] };
  const rows = reader.rows(plan, {
    signal: opts.signal,
    batchSize: opts.batchSize,
    onSkip: (recordId) => {
      skipped.count++;
      if (skipped.first.length < KEPT_SKIPS)
        skipped.first.push({ record_id: recordId, message: "job.warning.notAnObject" });
    },
  });
  const { bytes, stats } = runExport({
    format,
    columns,
    source: rows,
    options,
    info,
    pdf: opts.pdf,
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
