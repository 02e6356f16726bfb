// POST /api/export/async – queue an export as a background job, whatever its size:
// body {dataset_id, format, options?} → 202 {job_id, status_url, warning?}
import { ZExportRequestSchema } from "@/lib/export/options";
import { presentAccepted } from "@/lib/exports/present-export";
import { requestExport } from "@/lib/exports/request-export";
import { acceptedExportResponse } from "@/lib/http/export-responses";
import { otherMethods, withUser } from "@/lib/http/handler";
import { clientIp, readJsonBody } from "@/lib/http/request";

export const POST = withUser(
  async ({ req, user, locale }) => {
    const body = ZExportRequestSchema.parse(await readJsonBody(req));
    const result = await requestExport(
      { user, ip: clientIp(req.headers), locale },
      { datasetId: body.dataset_id, format: body.format, options: () => body.options ?? {} },
      "job",
    );
    if (result.delivery !== "job") throw new Error("an export asked for as a job was not queued");
    return acceptedExportResponse(presentAccepted(result, locale));
  },
  { can: "datasets.view" },
);

export const { GET, HEAD, OPTIONS, PUT, PATCH, DELETE } = otherMethods({ POST });
