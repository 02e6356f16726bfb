// The export job type: what an export job's row carries, and the work of one attempt.
// The request is checked again first (prepare-export, with the stored options: roles and
// data may have changed since it was queued); then the export is opened on its dataset's
// source — a PDF inside one snapshot, so its summary and its table agree — and written to
// the export store (a local temporary file renamed into place, or an S3 multipart upload),
// hashed as it is written, visible only once complete, and recorded. What a
// failure means in words (disk full, storage full or out of reach, not allowed any more)
// is decided here; the runtime decides whether it is retried.
import { z, ZodError } from "zod";
import { recordAudit } from "../audit/audit";
import { loadActiveUser } from "../auth/current-user";
import { config, exportDir } from "../config";
import { AppError } from "../errors";
import { EXPORT_FORMATS, fileExtension } from "../export/formats";
import { ExportOptionsError } from "../export/plan";
import { exportStore, newStorageKey } from "../files/export-store";
import { ioFailure, removeTempFiles, tempPath, type OpenFile, type WrittenFile } from "../files/hashed-file";
import { STORAGE_FAILURE_RETRIED, storageFailure } from "../files/storage-failure";
import { defineJob, JobFailure, type JobDefinition, type JobHelpers } from "../jobs/job-definition";
import { isLocale } from "../i18n";
import { datasetSource, type DatasetReader } from "../sources";
import { EXPORT_JOBS_TABLE, EXPORT_QUEUE, type JobWarning } from "./export-job-store";
import { openExport, type OpenedExport } from "./open-export";
import { pdfWriterInput } from "./pdf-report";
import { prepareExport, type PreparedExport } from "./prepare-export";

/** The columns of an export job's row the work needs (unknown until parsed). */
export const ZExportJobPayload = z.object({
  user_id: z.number().int(),
  dataset_id: z.number().int(),
  format: z.enum(EXPORT_FORMATS),
  options: z.unknown(),
  locale: z.string(),
  /** Set while an attempt writes its file: a later attempt finds a killed one's file by it. */
  storage_key: z.string().nullable(),
});
export type TExportJobPayload = z.infer<typeof ZExportJobPayload>;

/** Where the files go; tests point it at a folder of their own, or a disk that is full. */
export type ExportJobSettings = { dir?: string; open?: OpenFile };

const PDF_BATCH_ROWS = 500;

/** A request that no longer holds, in the words the job's owner will read. */
function refusalFailure(error: unknown): JobFailure | null {
  if (error instanceof ZodError || error instanceof ExportOptionsError)
    return new JobFailure("job.error.invalidOptions");
  if (!(error instanceof AppError)) return null;
  if (error.code === "not_found") return new JobFailure("job.error.datasetGone");
  if (error.code === "forbidden") return new JobFailure("job.error.notAllowed");
  if (error.messageKey === "export.tooManyRows" || error.messageKey === "export.pdfTooManyRows") {
    return new JobFailure("job.error.tooManyRows");
  }
  return new JobFailure("job.error.invalidOptions");
}

async function prepareAgain(payload: TExportJobPayload): Promise<PreparedExport> {
  const user = await loadActiveUser(payload.user_id);
  if (!user) throw new JobFailure("job.error.notAllowed");
  try {
    return await prepareExport(user, payload.dataset_id, payload.format, payload.options);
  } catch (error) {
    throw refusalFailure(error) ?? error;
  }
}

async function run(payload: TExportJobPayload, helpers: JobHelpers, settings: ExportJobSettings): Promise<void> {
  const { job, signal } = helpers;
  const dir = settings.dir ?? exportDir();
  const store = exportStore(settings.dir);
  const started = Date.now();
  await removeTempFiles(job.id, dir);
  // An attempt killed after its file was published, before the job was completed, left it
  // under the key it had recorded: gone before this attempt writes its own.
  if (payload.storage_key) await store.remove(payload.storage_key);
  const prepared = await prepareAgain(payload);
  const pdf = prepared.format === "pdf";
  const temp = tempPath(job.id, job.attempt, dir);

  // The export being written, so that a failure can say what was skipped before it.
  let failing: OpenedExport | undefined;
  const write = async (reader: DatasetReader) => {
    const report = pdf ? await pdfWriterInput(reader, payload.locale, prepared) : undefined;
    helpers.progress(0, report ? report.summary.records : (prepared.rowCount ?? (await reader.count(prepared.plan))));
    await helpers.beat();
    const opened = openExport(prepared, reader, {
      signal,
      onProgress: (rows) => helpers.progress(rows),
      batchSize: pdf ? PDF_BATCH_ROWS : undefined,
      pdf: report,
      locale: isLocale(payload.locale) ? payload.locale : undefined,
    });
    failing = opened;
    const file = await store.write(storageKey, opened.bytes, { tempFile: temp, open: settings.open, signal });
    return { opened, file };
  };

  let written: { opened: OpenedExport; file: WrittenFile };
  const storageKey = newStorageKey(fileExtension(prepared.format, prepared.options));
  // Recorded before the first byte, so that no published file is ever without its job.
  if (!(await helpers.update({ storage_key: storageKey }))) return;
  try {
    const source = datasetSource(prepared.dataset);
    written = pdf ? await source.snapshot(write) : await write(source);
  } catch (error) {
    await removeTempFiles(job.id, dir);
    // Nothing is under the key once the store says so (a write that failed after its object
    // was complete removes it, which a storage out of reach may not have let it do): else the
    // key stays, for the next attempt or the cleanup to remove the object.
    await store
      .remove(storageKey)
      .then(() => helpers.update({ storage_key: null }))
      .catch(() => {});
    const storage = storageFailure(error);
    const failure = ioFailure(error) ?? storage;
    // Anything else, and a storage out of reach, is the runtime's to retry (describeFailure
    // names the storage once the attempts are used up).
    if (!failure || signal.aborted || (storage && STORAGE_FAILURE_RETRIED[storage])) throw error;
    // A failure no retry mends: the row keeps what was skipped before it.
    if (failing) {
      await helpers
        .update(skippedColumns(failing.skipped.count, failing.skipped.first))
        .catch((detail: unknown) => console.error(`export job ${job.id}: skipped rows not recorded:`, detail));
    }
    throw new JobFailure(`job.error.${failure}`);
  }
  const { opened, file } = written;
  const warnings: JobWarning[] = [
    ...opened.skipped.first,
    // The engine keeps the first few value warnings; the rest are only counted.
    ...opened.stats.warnings.map(({ row, column, message }) => ({ row, column, message })),
  ];
  // The audit event commits with the completion: a worker killed between them leaves neither.
  const completed = await helpers.complete(
    {
      ...skippedColumns(opened.skipped.count, warnings),
      processed_rows: opened.stats.rows,
      total_rows: opened.stats.rows,
      storage_key: storageKey,
      file_name: opened.fileName.name,
      file_size: file.size,
      sha256: file.sha256,
      md5: file.md5,
      expires_at: new Date(Date.now() + config.export.retentionDays * 86_400_000),
    },
    (db) =>
      recordAudit(
        {
          action: "export_completed",
          actorId: payload.user_id,
          targetId: payload.dataset_id,
          details: {
            format: payload.format,
            delivery: "job",
            job_id: job.id,
            rows: opened.stats.rows,
            skipped: opened.skipped.count,
            bytes: file.size,
            warnings: opened.stats.warningCount,
            attempt: job.attempt,
            duration_ms: Date.now() - started,
          },
        },
        db,
      ),
  );
  if (!completed) {
    // Cancelled in the last instant, or taken over: the file must not outlive the claim.
    await store.remove(storageKey);
  }
}

function skippedColumns(count: number, warnings: JobWarning[]) {
  return { skipped_rows: count, warnings: JSON.stringify(warnings) };
}

/** The export job type; `settings` only for tests that point it at a folder or disk of their own. */
export function defineExportJob(settings: ExportJobSettings = {}): JobDefinition<TExportJobPayload> {
  return defineJob({
    name: EXPORT_QUEUE,
    table: EXPORT_JOBS_TABLE,
    payload: ZExportJobPayload,
    run: (payload, helpers) => run(payload, helpers, settings),
    describeFailure: (error) => {
      const failure = storageFailure(error);
      return failure ? `job.error.${failure}` : null;
    },
    recordFailure: async (job, failure, db) => {
      await recordAudit(
        {
          action: "export_failed",
          actorId: job.payload?.user_id ?? null,
          targetId: job.payload?.dataset_id ?? null,
          details: {
            format: job.payload?.format ?? null,
            delivery: "job",
            job_id: job.id,
            error: failure.message,
            rows: failure.processed,
            attempt: failure.attempt,
            duration_ms: failure.durationMs,
          },
        },
        db,
      );
    },
  });
}

export const exportJob = defineExportJob();
