// POST /api/export/jobs/:jobId/retry – a new job with the same options as a failed or
// cancelled one → 202 {job_id, status_url, warning?}
import { presentAccepted } from "@/lib/exports/present-export";
import { retryExport } from "@/lib/exports/retry-export";
import { acceptedExportResponse } from "@/lib/http/export-responses";
import { otherMethods, withUser } from "@/lib/http/handler";
import { clientIp } from "@/lib/http/request";

export const POST = withUser<{ jobId: string }>(
  async ({ req, user, params, locale }) => {
    const result = await retryExport({ user, ip: clientIp(req.headers), locale }, params.jobId);
    return acceptedExportResponse(presentAccepted(result, locale));
  },
  { can: "history.own" },
);

export const { GET, HEAD, OPTIONS, PUT, PATCH, DELETE } = otherMethods({ POST });
