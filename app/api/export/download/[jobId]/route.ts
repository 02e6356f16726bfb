// GET /api/export/download/:jobId – the finished file of an export job, its SHA-256
// verified before the first byte (404 for anyone else's job, 410 once expired). With the
// session, or a signed `?token=` URL (403 when expired or tampered with). HEAD runs the
// same checks and sends nothing, counts nothing.
import { withUser } from "@/lib/http/handler";
import { clientIp } from "@/lib/http/request";
import { downloadExport, signedUrlUser } from "@/lib/jobs/download";

type Params = { jobId: string };
const authenticate = (req: Request, params: Params) => signedUrlUser(req, params.jobId);

export const GET = withUser<Params>(
  async ({ req, user, params }) =>
    downloadExport({ user, ip: clientIp(req.headers), userAgent: req.headers.get("user-agent") }, params.jobId),
  { authenticate },
);

export const HEAD = withUser<Params>(
  async ({ req, user, params }) =>
    downloadExport({ user, ip: clientIp(req.headers), userAgent: req.headers.get("user-agent") }, params.jobId, "HEAD"),
  { authenticate },
);
