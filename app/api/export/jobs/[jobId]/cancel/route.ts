// POST /api/export/jobs/:jobId/cancel – cancel a waiting or running export job
import { withUser } from "@/lib/http/handler";
import { clientIp } from "@/lib/http/request";
import { cancelJob, presentJob } from "@/lib/jobs/jobs";

export const POST = withUser<{ jobId: string }>(async ({ req, user, params, locale }) => {
  const job = await cancelJob(user, params.jobId, clientIp(req.headers));
  return Response.json(presentJob(job, user, locale));
});
