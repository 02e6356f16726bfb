// POST /api/imports/:jobId/cancel – cancel a waiting or running import: nothing of it is
// committed, a new dataset it was making does not appear
import { cancelImport, presentImport } from "@/lib/datasets/import-status";
import { otherMethods, withUser } from "@/lib/http/handler";
import { clientIp } from "@/lib/http/request";

export const POST = withUser<{ jobId: string }>(
  async ({ req, user, params, locale }) => {
    const job = await cancelImport({ user, ip: clientIp(req.headers), locale }, params.jobId);
    return Response.json(presentImport(job, locale));
  },
  { can: "datasets.create" },
);

export const { GET, HEAD, OPTIONS, PUT, PATCH, DELETE } = otherMethods({ POST });
