// POST /api/export/jobs/:jobId/retry – a new job with the same options as a failed or
// cancelled one → 202 {job_id, status_url, warning?}
import { withUser } from "@/lib/http/handler";
import { consumeExportRequest } from "@/lib/http/rate-limit";
import { clientIp } from "@/lib/http/request";
import { retryJob } from "@/lib/jobs/jobs";
import { acceptedResponse } from "@/lib/jobs/request-export";

export const POST = withUser<{ jobId: string }>(async ({ req, user, params, locale }) => {
  await consumeExportRequest(user.id);
  const { created, prepared } = await retryJob(user, params.jobId, clientIp(req.headers), locale);
  return acceptedResponse({ delivery: "job", job: created, prepared }, locale);
});
