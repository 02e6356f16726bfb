// Runs one export job: claim the row, check the request again (roles may have changed
// since it was queued), stream the export engine into a temporary file hashed as it is
// written, publish it by rename, and mark the job completed. Progress and heartbeat are
// written every second; a write that finds the job no longer ours (cancelled, or taken
// over after a lease ran out) stops the export at once and removes the temporary file.
import { recordAudit } from "../audit/audit";
import { canSeeSensitive, exportDenial } from "../auth/permissions";
import { loadActiveUser } from "../auth/current-user";
import { config, exportDir } from "../config";
import { findDataset, type DatasetInfo } from "../datasets/dataset-store";
import { buildExport, exactRowCount } from "../data/export-request";
import { ZExportOptionsSchema } from "../export/options";
import { ExportOptionsError } from "../export/plan";
import { runExport } from "../export/run-export";
import { exportFileName } from "../http/content-disposition";
import {
  ioFailure,
  newStorageKey,
  exportStore,
  openForWriting,
  removeTempFiles,
  tempPath,
  writeHashed,
  type OpenFile,
} from "../files/storage";
import {
  claimJob,
  completeJob,
  failJob,
  releaseJob,
  reportProgress,
  type Attempt,
  type ClaimedJob,
  type JobWarning,
} from "./store";
import { pdfWriterInput } from "./pdf-report";
import { datasetSource, type DatasetReader } from "../sources";

export type RunJobOptions = {
  /** Aborts when the worker shuts down: the job gets `graceMs` to finish, then is handed back. */
  shutdown?: AbortSignal;
  graceMs?: number;
  heartbeatMs?: number;
  maxAttempts?: number;
  dir?: string;
  open?: OpenFile;
};

/** What became of a job run; "stopped": the job was cancelled or taken over mid-run. */
export type RunOutcome = "not_claimed" | "completed" | "failed" | "stopped" | "released" | "retrying";

const KEPT_WARNINGS = 20;
const PDF_BATCH_ROWS = 500;

class StopExport extends Error {
  constructor(readonly why: "lost" | "shutdown") {
    super(`export stopped: ${why}`);
  }
}

/** A job whose request is no longer valid fails with the reason, before any work. */
async function checkRequest(
  job: ClaimedJob,
): Promise<{ ok: true; built: ReturnType<typeof buildExport>; dataset: DatasetInfo } | { ok: false; error: string }> {
  const [user, dataset] = await Promise.all([loadActiveUser(job.userId), findDataset(job.datasetId)]);
  if (!dataset) return { ok: false, error: "job.error.datasetGone" };
  if (!user || exportDenial(user, dataset) !== null) return { ok: false, error: "job.error.notAllowed" };
  const parsed = ZExportOptionsSchema.safeParse(job.options);
  if (!parsed.success) return { ok: false, error: "job.error.invalidOptions" };
  if (parsed.data.include_sensitive && !canSeeSensitive(user)) return { ok: false, error: "job.error.notAllowed" };
  try {
    return { ok: true, built: buildExport(user, dataset, job.format, parsed.data), dataset };
  } catch (error) {
    if (error instanceof ExportOptionsError) return { ok: false, error: "job.error.invalidOptions" };
    throw error;
  }
}

export async function runJob(jobId: string, options: RunJobOptions = {}): Promise<RunOutcome> {
  const job = await claimJob(jobId);
  if (!job) return "not_claimed";
  return runClaimed(job, options);
}

async function runClaimed(job: ClaimedJob, options: RunJobOptions): Promise<RunOutcome> {
  const {
    shutdown,
    graceMs = config.jobs.shutdownGraceMs,
    heartbeatMs = config.jobs.heartbeatMs,
    maxAttempts = config.jobs.maxAttempts,
    dir = exportDir(),
    open = openForWriting,
  } = options;
  const attempt: Attempt = { id: job.id, attempt: job.attempt };
  const audit = { actorId: job.userId, targetType: "export_job", targetId: job.id };
  const started = Date.now();
  await removeTempFiles(job.id, dir);

  const checked = await checkRequest(job);
  if (!checked.ok) {
    await failJob(attempt, checked.error);
    await recordAudit({ ...audit, action: "export_failed", details: { format: job.format, error: checked.error } });
    return "failed";
  }
  const { built, dataset } = checked;
  const format = job.format;

  const stop = new AbortController();
  let rows = 0;
  let skipped = 0;
  const skippedIds: JobWarning[] = [];
  let totalRows = job.totalRows;

  const heartbeat = async (): Promise<void> => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = rows > 0 && elapsed > 0 ? rows / elapsed : 0;
    const etaSeconds = rate > 0 && totalRows !== null ? Math.max(0, Math.ceil((totalRows - rows) / rate)) : null;
    const owned = await reportProgress(attempt, { processedRows: rows, totalRows, etaSeconds });
    if (!owned) stop.abort(new StopExport("lost"));
  };
  let beating = false;
  const timer = setInterval(() => {
    if (beating || stop.signal.aborted) return;
    beating = true;
    heartbeat()
      .catch((error: unknown) => console.error(`export job ${job.id}: progress not written:`, error))
      .finally(() => (beating = false));
  }, heartbeatMs);
  let graceTimer: NodeJS.Timeout | undefined;
  const onShutdown = () => {
    graceTimer = setTimeout(() => stop.abort(new StopExport("shutdown")), graceMs);
  };
  if (shutdown?.aborted) onShutdown();
  else shutdown?.addEventListener("abort", onShutdown, { once: true });

  const temp = tempPath(job.id, job.attempt, dir);
  try {
    const readOptions = {
      signal: stop.signal,
      onSkip: (recordId: number) => {
        skipped++;
        if (skippedIds.length < KEPT_WARNINGS)
          skippedIds.push({ record_id: recordId, message: "job.warning.notAnObject" });
      },
    };
    const source = datasetSource(dataset);
    const produce = async (reader: DatasetReader) => {
      let rowsIn;
      let pdf;
      if (format === "pdf") {
        pdf = await pdfWriterInput(reader, job, dataset, built);
        totalRows = pdf.summary.records;
        await heartbeat();
        // Small batches: a PDF lays rows out far slower than they are read.
        rowsIn = reader.rows(built.plan, { ...readOptions, batchSize: PDF_BATCH_ROWS });
      } else {
        if (totalRows === null) totalRows = await exactRowCount(dataset, built.plan);
        await heartbeat();
        rowsIn = reader.rows(built.plan, readOptions);
      }
      const run = runExport({
        format,
        columns: built.columns,
        source: rowsIn,
        options: built.options,
        info: built.info,
        pdf,
        signal: stop.signal,
        onProgress: (done) => (rows = done),
      });
      const file = await writeHashed(run.bytes, temp, open);
      stop.signal.throwIfAborted();
      return { run, file };
    };
    // A PDF reads its summary and its rows in one snapshot, so they describe the same records.
    const { run, file } = format === "pdf" ? await source.snapshot(produce) : await produce(source);

    const gz = built.options.compression === "gzip" && built.spec.compressible;
    const extension = gz ? `${built.spec.extension}.gz` : built.spec.extension;
    const storageKey = newStorageKey(extension);
    const store = exportStore(dir);
    await store.publish(temp, storageKey);
    const warnings: JobWarning[] = [
      ...skippedIds,
      ...run.stats.warnings.slice(0, KEPT_WARNINGS).map(({ row, column, message }) => ({ row, column, message })),
    ];
    const done = await completeJob(attempt, {
      storageKey,
      fileName: exportFileName(dataset.title, extension, built.info.generatedAt).name,
      ...file,
      rows: run.stats.rows,
      skippedRows: skipped,
      warnings,
    });
    if (!done) {
      // Cancelled in the last instant, or taken over: the file must not outlive the claim.
      await store.remove(storageKey);
      return "stopped";
    }
    await recordAudit({
      ...audit,
      action: "export_completed",
      details: {
        format,
        delivery: "job",
        dataset_id: dataset.id,
        rows: run.stats.rows,
        skipped,
        bytes: file.size,
        warnings: run.stats.warningCount,
        attempt: job.attempt,
        duration_ms: Date.now() - started,
      },
    });
    return "completed";
  } catch (error) {
    await removeTempFiles(job.id, dir);
    const reason = stop.signal.reason;
    if (reason instanceof StopExport && reason.why === "lost") return "stopped";
    if (reason instanceof StopExport && reason.why === "shutdown") {
      return (await releaseJob(attempt, { countAttempt: false })) ? "released" : "stopped";
    }
    const io = ioFailure(error);
    if (!io && job.attempt < maxAttempts) {
      console.error(`export job ${job.id} attempt ${job.attempt} failed; it will run again:`, error);
      return (await releaseJob(attempt, { countAttempt: true, delaySeconds: 5 })) ? "retrying" : "stopped";
    }
    if (!io) console.error(`export job ${job.id} failed on its last attempt:`, error);
    const message = io ? `job.error.${io}` : "job.error.unexpected";
    await failJob(attempt, message, { skippedRows: skipped, warnings: skippedIds });
    await recordAudit({
      ...audit,
      action: "export_failed",
      details: { format, error: message, rows, attempt: job.attempt, duration_ms: Date.now() - started },
    });
    return "failed";
  } finally {
    clearInterval(timer);
    clearTimeout(graceTimer);
    shutdown?.removeEventListener("abort", onShutdown);
    if (!stop.signal.aborted) stop.abort(new StopExport("lost"));
  }
}
