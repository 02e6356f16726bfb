// "This user asks for this export": the one path shared by the download route, the job
// API and the UI's server action. Counts the request against the per-minute limit,
// checks it (lib/data/export-request), then either hands back the prepared export to be
// streamed, or queues it as a job — with the refusal audited whatever it was.
import { ZodError } from "zod";
import { recordAudit } from "../audit/audit";
import type { CurrentUser } from "../auth/current-user";
import { chooseDelivery, prepareExport, type PreparedExport } from "../data/export-request";
import type { ExportFormat } from "../export/formats";
import { ExportOptionsError } from "../export/plan";
import { AppError } from "../errors";
import { parseDatasetId } from "../http/params";
import { consumeExportRequest, refundExportRequest } from "../http/rate-limit";
import { translate, type Locale } from "../i18n";
import { enqueueExport, isLargeExport, type CreatedJob } from "./create";
import { statusUrl } from "./jobs";

/** direct: stream unless the format must run as a job; auto: the UI's thresholds; job: always a job. */
export type DeliveryMode = "direct" | "auto" | "job";

export type ExportRequestResult =
  { delivery: "direct"; prepared: PreparedExport } | { delivery: "job"; prepared: PreparedExport; job: CreatedJob };

type Caller = { user: CurrentUser; ip: string | null; locale?: Locale };

/** Refusals other than permission (those are audited where they are decided). */
async function auditRefusal(error: unknown, caller: Caller, datasetId: number | string, format: string): Promise<void> {
  const reason =
    error instanceof ZodError || error instanceof ExportOptionsError
      ? "invalid"
      : error instanceof AppError && error.code !== "forbidden"
        ? error.code
        : null;
  if (reason) {
    await recordAudit({
      action: "export_denied",
      actorId: caller.user.id,
      targetType: "dataset",
      targetId: datasetId,
      ip: caller.ip,
      details: { format, reason },
    });
  }
}

/** What is asked: the dataset id as given (path text or a parsed number), the format, and
 * the options — read lazily, so a request over the rate limit is refused before its body is read. */
export type ExportAsk = { datasetId: string | number; format: ExportFormat; options: () => unknown };

export async function requestExport(
  caller: Caller,
  ask: ExportAsk,
  mode: DeliveryMode,
  { countDirect = true }: { countDirect?: boolean } = {},
): Promise<ExportRequestResult> {
  try {
    const id = typeof ask.datasetId === "number" ? ask.datasetId : parseDatasetId(ask.datasetId);
    await consumeExportRequest(caller.user.id);
    const prepared = await prepareExport(caller, id, ask.format, await ask.options());
    const delivery = mode === "job" ? "job" : chooseDelivery(ask.format, prepared.rowBound, mode === "auto");
    if (delivery === "direct") {
      // The UI's check before a direct download: the download itself is the request counted.
      if (!countDirect) await refundExportRequest(caller.user.id);
      return { delivery, prepared };
    }
    const job = await enqueueExport(caller, prepared);
    return { delivery, prepared, job };
  } catch (error) {
    await auditRefusal(error, caller, ask.datasetId, ask.format);
    throw error;
  }
}

/** The 202 body of a queued export: `{job_id, status_url, warning?}`. */
export function acceptedBody(result: Extract<ExportRequestResult, { delivery: "job" }>, locale: Locale) {
  const { job, prepared } = result;
  return {
    job_id: job.id,
    status: "pending" as const,
    status_url: statusUrl(job.id),
    total_rows: job.totalRows,
    ...(isLargeExport(prepared)
      ? {
          warning: translate(locale, "job.largeWarning", {
            rows: (prepared.rowCount ?? 0).toLocaleString(locale === "ko" ? "ko-KR" : "en-US"),
          }),
        }
      : {}),
  };
}

export function acceptedResponse(result: Extract<ExportRequestResult, { delivery: "job" }>, locale: Locale): Response {
  const body = acceptedBody(result, locale);
  return Response.json(body, { status: 202, headers: { Location: body.status_url, "Cache-Control": "no-store" } });
}
