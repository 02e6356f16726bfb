// GET /api/export/download/:jobId – the finished file of an export job, its SHA-256
// verified before the first byte (404 for anyone else's job, 410 once expired)
import { withUser } from "@/lib/http/handler";
import { clientIp } from "@/lib/http/request";
import { downloadExport } from "@/lib/jobs/download";

export const GET = withUser<{ jobId: string }>(async ({ req, user, params }) =>
  downloadExport({ user, ip: clientIp(req.headers), userAgent: req.headers.get("user-agent") }, params.jobId),
);
