// GET|POST /api/export/:format/:datasetId – download a dataset as CSV, JSON, NDJSON,
// Excel or Parquet, streamed while it is written (options in the query or the JSON body).
// Excel past the direct limit (and PDF) runs as a background job instead: 202 with the
// job's id and status URL. `Prefer: respond-async` lets the server queue any large export
// by the UI's thresholds.
import { recordAudit } from "@/lib/audit/audit";
import { isExportFormat } from "@/lib/export/formats";
import { optionsFromQuery } from "@/lib/export/options";
import { AppError } from "@/lib/errors";
import { exportResponse } from "@/lib/http/export-response";
import { withUser, type HandlerArgs } from "@/lib/http/handler";
import { readJsonBody } from "@/lib/http/params";
import { clientIp, prefersAsync } from "@/lib/http/request";
import { acceptedResponse, requestExport } from "@/lib/jobs/request-export";

type Params = { format: string; datasetId: string };

async function handle({ req, user, params, locale }: HandlerArgs<Params>): Promise<Response> {
  if (!isExportFormat(params.format)) throw new AppError("not_found");
  const format = params.format;
  const ip = clientIp(req.headers);
  const result = await requestExport(
    { user, ip, locale },
    {
      datasetId: params.datasetId,
      format,
      options: () => (req.method === "GET" ? optionsFromQuery(new URL(req.url).searchParams) : readJsonBody(req)),
    },
    prefersAsync(req.headers) ? "auto" : "direct",
  );
  if (result.delivery === "job") return acceptedResponse(result, locale);

  const { prepared } = result;
  const started = Date.now();
  const audit = { actorId: user.id, targetType: "dataset", targetId: prepared.dataset.id, ip };
  await recordAudit({
    ...audit,
    action: "export_requested",
    details: { format, delivery: "direct", filters: prepared.info.filters },
  });

  return exportResponse(prepared, {
    signal: req.signal,
    onFinish: (outcome, stats, error) =>
      recordAudit({
        ...audit,
        action:
          outcome === "completed" ? "export_completed" : outcome === "failed" ? "export_failed" : "export_cancelled",
        details: {
          format,
          delivery: "direct",
          rows: stats.rows,
          bytes: stats.bytes,
          warnings: stats.warningCount,
          skipped: stats.skipped,
          duration_ms: Date.now() - started,
          ...(error && outcome === "failed" ? { error: error instanceof Error ? error.message : String(error) } : {}),
        },
      }),
  });
}

export const GET = withUser<Params>(handle);
export const POST = withUser<Params>(handle);
