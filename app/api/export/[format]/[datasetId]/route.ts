// GET|POST /api/export/:format/:datasetId – download a dataset as CSV, JSON, NDJSON,
// Excel or Parquet, streamed while it is written (options in the query or the JSON body)
import { recordAudit } from "@/lib/audit/audit";
import { prepareExport } from "@/lib/data/export-request";
import { isExportFormat, optionsFromQuery } from "@/lib/export/options";
import { AppError } from "@/lib/http/errors";
import { exportResponse } from "@/lib/http/export-response";
import { withUser, type HandlerArgs } from "@/lib/http/handler";
import { parseDatasetId, readJsonBody } from "@/lib/http/params";
import { consumeExportRequest } from "@/lib/http/rate-limit";
import { clientIp } from "@/lib/http/request";

type Params = { format: string; datasetId: string };

async function handle({ req, user, params }: HandlerArgs<Params>): Promise<Response> {
  if (!isExportFormat(params.format)) throw new AppError("not_found");
  const format = params.format;
  const datasetId = parseDatasetId(params.datasetId);
  await consumeExportRequest(user.id);

  const ip = clientIp(req.headers);
  const raw = req.method === "GET" ? optionsFromQuery(new URL(req.url).searchParams) : await readJsonBody(req);
  const prepared = await prepareExport({ user, ip }, datasetId, format, raw);
  const started = Date.now();
  const audit = { actorId: user.id, targetType: "dataset", targetId: datasetId, ip };
  await recordAudit({ ...audit, action: "export_requested", details: { format, delivery: "direct", filters: prepared.info.filters } });

  return exportResponse(prepared, {
    signal: req.signal,
    onFinish: (outcome, stats, error) =>
      recordAudit({
        ...audit,
        action: outcome === "completed" ? "export_completed" : outcome === "failed" ? "export_failed" : "export_cancelled",
        details: {
          format,
          delivery: "direct",
          rows: stats.rows,
          bytes: stats.bytes,
          warnings: stats.warningCount,
          duration_ms: Date.now() - started,
          ...(error && outcome === "failed" ? { error: error instanceof Error ? error.message : String(error) } : {}),
        },
      }),
  });
}

export const GET = withUser<Params>(handle);
export const POST = withUser<Params>(handle);
