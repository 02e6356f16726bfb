// GET /api/export/status/:jobId – poll an export job (404 for anyone else's job)
import { withUser } from "@/lib/http/handler";
import { findJobFor, presentJob } from "@/lib/jobs/jobs";

export const GET = withUser<{ jobId: string }>(async ({ user, params, locale }) => {
  const job = await findJobFor(user, params.jobId);
  return Response.json(presentJob(job, user, locale), { headers: { "Cache-Control": "no-store" } });
});
