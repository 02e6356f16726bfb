// POST /api/export/jobs/:jobId/cancel – cancel a waiting or running export job
import { cancelExport } from "@/lib/exports/cancel-export";
import { showExport } from "@/lib/exports/present-export";
import { otherMethods, withUser } from "@/lib/http/handler";
import { clientIp } from "@/lib/http/request";

export const POST = withUser<{ jobId: string }>(
  async ({ req, user, params, locale }) => {
    const job = await cancelExport({ user, ip: clientIp(req.headers) }, params.jobId);
    return Response.json(await showExport(job, user, locale));
  },
  { can: "history.own" },
);

export const { GET, HEAD, OPTIONS, PUT, PATCH, DELETE } = otherMethods({ POST });
