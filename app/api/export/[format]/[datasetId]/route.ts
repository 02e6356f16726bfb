// GET|POST /api/export/:format/:datasetId – download a dataset as CSV, JSON, NDJSON,
// Excel or Parquet, streamed while it is written (options in the query or the JSON body)
import { recordAudit } from "@/lib/audit/audit";
import { prepareExport } from "@/lib/data/export-request";
import { ZodError } from "zod";
import { isExportFormat, optionsFromQuery } from "@/lib/export/options";
import { ExportOptionsError } from "@/lib/export/plan";
import { AppError } from "@/lib/http/errors";
import { exportResponse } from "@/lib/http/export-response";
import { withUser, type HandlerArgs } from "@/lib/http/handler";
import { parseDatasetId, readJsonBody } from "@/lib/http/params";
import { consumeExportRequest } from "@/lib/http/rate-limit";
import { clientIp } from "@/lib/http/request";

type Params = { format: string; datasetId: string };

/** Refusals other than permission (audited where they are decided) go on the trail here. */
async function auditRefusal(error: unknown, audit: { actorId: number; targetId: string; ip: string | null }, format: string) {
  const reason =
    error instanceof ZodError || error instanceof ExportOptionsError
      ? "invalid"
      : error instanceof AppError && error.code !== "forbidden"
        ? error.code
        : null;
  if (reason) await recordAudit({ ...audit, action: "export_denied", targetType: "dataset", details: { format, reason } });
}

async function handle({ req, user, params }: HandlerArgs<Params>): Promise<Response> {
  if (!isExportFormat(params.format)) throw new AppError("not_found");
  const format = params.format;
  const ip = clientIp(req.headers);
  let prepared;
  try {
    const datasetId = parseDatasetId(params.datasetId);
    await consumeExportRequest(user.id);
    const raw = req.method === "GET" ? optionsFromQuery(new URL(req.url).searchParams) : await readJsonBody(req);
    prepared = await prepareExport({ user, ip }, datasetId, format, raw);
  } catch (error) {
    await auditRefusal(error, { actorId: user.id, targetId: params.datasetId, ip }, format);
    throw error;
  }
  const datasetId = prepared.dataset.id;
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
