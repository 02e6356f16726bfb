// "This user asks for this export": the one path for the download route, the job API,
// retries and the UI's server actions. Counts the request against the per-minute limit,
// checks it (prepare-export), then either hands back the prepared export to be streamed,
// or queues it as a job — and audits the refusal, whatever refused it.
import type pg from "pg";
import { ZodError } from "zod";
import { recordAudit } from "../audit/audit";
import type { CurrentUser } from "../auth/current-user";
import { config } from "../config";
import { inTransaction } from "../data/pg";
import { AppError } from "../errors";
import { FORMATS, type ExportFormat } from "../export/formats";
import { ExportOptionsError } from "../export/plan";
import { DEFAULT_LOCALE, type Locale } from "../i18n";
import { dispatchJob } from "../jobs/queue";
import { nudgeLocalWorkers } from "../jobs/wake";
import { parseDatasetId } from "../params";
import { consumeExportRequest, refundExportRequest } from "./export-rate-limit";
import { EXPORT_QUEUE, insertExportJob } from "./export-job-store";
import { directRowLimit, prepareExport, type PreparedExport } from "./prepare-export";

export type ExportCaller = { user: CurrentUser; ip: string | null; locale?: Locale };

/** direct: stream unless the format must run as a job; auto: the UI's thresholds; job: always a job. */
export type DeliveryMode = "direct" | "auto" | "job";

/** Where an export is produced: streamed in the response, or by a background job. */
export type Delivery = "direct" | "job";

export type CreatedJob = { id: string; createdAt: Date; totalRows: number | null };

export type ExportRequestResult =
  { delivery: "direct"; prepared: PreparedExport } | { delivery: "job"; prepared: PreparedExport; job: CreatedJob };

/**
 * What is asked: the dataset id as given (path text or a parsed number), the format, and
 * the options — read lazily, so a request over the rate limit is refused before its body is read.
 */
export type ExportAsk = { datasetId: string | number; format: ExportFormat; options: () => unknown };

/**
 * How an export is delivered. A format that never downloads directly (PDF) is always a
 * job; one that does not stream (Excel) is a job past its limit; a streaming one is a job
 * past its limit only when the caller lets the server decide (the UI does; a plain GET
 * streams whatever its size, up to the row cap).
 */
export function chooseDelivery(format: ExportFormat, rows: number, serverDecides: boolean): Delivery {
  const spec = FORMATS[format];
  if (spec.directLimit === "none") return "job";
  if (rows <= directRowLimit(format)) return "direct";
  return spec.streams && !serverDecides ? "direct" : "job";
}

/** Why a request was refused, as the audit trail records it; null for failures that are not refusals. */
function refusalReason(error: unknown): string | null {
  if (error instanceof ZodError || error instanceof ExportOptionsError) return "invalid";
  if (!(error instanceof AppError)) return null;
  return error.code === "forbidden" ? (error.options.reason ?? "forbidden") : error.code;
}

export async function requestExport(
  caller: ExportCaller,
  ask: ExportAsk,
  mode: DeliveryMode,
  {
    countDirect = true,
    retryOf = null,
    onQueued,
  }: {
    countDirect?: boolean;
    retryOf?: string | null;
    /**
     * Called inside the transaction that creates the job (a schedule's run records it, so a
     * job exists exactly when its run knows it); throwing undoes the job.
     */
    onQueued?: (client: pg.PoolClient, jobId: string) => Promise<void>;
  } = {},
): Promise<ExportRequestResult> {
  try {
    const id = parseDatasetId(ask.datasetId, "datasetId");
    await consumeExportRequest(caller.user.id);
    const prepared = await prepareExport(caller.user, id, ask.format, await ask.options());
    const delivery = mode === "job" ? "job" : chooseDelivery(ask.format, prepared.rowBound, mode === "auto");
    if (delivery === "direct") {
      // The UI's check before a direct download: the download itself is the request counted.
      if (!countDirect) await refundExportRequest(caller.user.id);
      return { delivery, prepared };
    }
    return { delivery, prepared, job: await enqueueExport(caller, prepared, retryOf, onQueued) };
  } catch (error) {
    const reason = refusalReason(error);
    if (reason) {
      await recordAudit({
        action: "export_denied",
        actorId: caller.user.id,
        targetId: ask.datasetId,
        ip: caller.ip,
        details: { format: ask.format, reason },
      });
    }
    throw error;
  }
}

/**
 * A checked export becomes a pending job, its export_requested event and its queue
 * message in one transaction; past the user's limit of active jobs, a 429.
 */
async function enqueueExport(
  caller: ExportCaller,
  prepared: PreparedExport,
  retryOf: string | null,
  onQueued?: (client: pg.PoolClient, jobId: string) => Promise<void>,
): Promise<CreatedJob> {
  const limit = config.export.activeJobsPerUser;
  const created = await inTransaction(async (client) => {
    const row = await insertExportJob(
      client,
      {
        userId: caller.user.id,
        datasetId: prepared.dataset.id,
        format: prepared.format,
        options: prepared.options,
        totalRows: prepared.rowCount,
        retryOf,
        locale: caller.locale ?? DEFAULT_LOCALE,
      },
      limit,
    );
    if (!row) throw new AppError("rate_limited", "job.concurrentLimit", { params: { limit } });
    await recordAudit(
      {
        action: "export_requested",
        actorId: caller.user.id,
        targetId: prepared.dataset.id,
        ip: caller.ip,
        details: {
          format: prepared.format,
          delivery: "job",
          rows: prepared.rowCount,
          filters: prepared.auditFilters,
          job_id: row.id,
          ...(retryOf ? { retry_of: retryOf } : {}),
        },
      },
      client,
    );
    await onQueued?.(client, row.id);
    await dispatchJob(client, EXPORT_QUEUE, row.id);
    return row;
  });
  nudgeLocalWorkers(EXPORT_QUEUE);
  return { ...created, totalRows: prepared.rowCount };
}
