// GET|POST /api/export/:format/:datasetId – download a dataset as CSV, JSON, NDJSON,
// Excel or Parquet, streamed while it is written (options in the query or the JSON body).
// Excel past the direct limit (and PDF) runs as a background job instead: 202 with the
// job's id and status URL. `Prefer: respond-async` lets the server queue any large export
// by the UI's thresholds.
import { AppError } from "@/lib/errors";
import { isExportFormat } from "@/lib/export/formats";
import { optionsFromQuery } from "@/lib/export/options";
import { presentAccepted } from "@/lib/exports/present-export";
import { requestExport } from "@/lib/exports/request-export";
import { streamExport } from "@/lib/exports/stream-export";
import { acceptedExportResponse, streamedExportResponse } from "@/lib/http/export-responses";
import { otherMethods, withUser, type HandlerArgs } from "@/lib/http/handler";
import { clientIp, prefersAsync, readJsonBody, searchParamsOf } from "@/lib/http/request";

type Params = { format: string; datasetId: string };

async function handle({ req, user, params, locale }: HandlerArgs<Params>): Promise<Response> {
  if (!isExportFormat(params.format)) throw new AppError("not_found");
  const caller = { user, ip: clientIp(req.headers), locale };
  const options = () => (req.method === "GET" ? optionsFromQuery(searchParamsOf(req.url)) : readJsonBody(req));
  const mode = prefersAsync(req.headers) ? "auto" : "direct";
  const result = await requestExport(caller, { datasetId: params.datasetId, format: params.format, options }, mode);
  if (result.delivery === "job") return acceptedExportResponse(presentAccepted(result, locale));
  return streamedExportResponse(await streamExport(caller, result.prepared, req.signal));
}

// Everyone who may see datasets may ask; whether they may export this one is the use
// case's decision, refused with its reason and audited. A GET counts against the rate
// limit and is audited: HEAD is refused (405) rather than run it.
export const GET = withUser<Params>(handle, { can: "datasets.view", sideEffects: true });
export const POST = withUser<Params>(handle, { can: "datasets.view" });

export const { HEAD, OPTIONS, PUT, PATCH, DELETE } = otherMethods({ GET, POST });
