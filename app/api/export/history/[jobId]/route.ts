// DELETE /api/export/history/:jobId – remove an export and its file (owner or admin;
// anyone else's id → 404, a running export → 409 until it is cancelled) → 204
import { withUser } from "@/lib/http/handler";
import { clientIp } from "@/lib/http/request";
import { deleteExport } from "@/lib/jobs/history";

export const DELETE = withUser<{ jobId: string }>(async ({ req, user, params }) => {
  await deleteExport(user, params.jobId, clientIp(req.headers));
  return new Response(null, { status: 204 });
});
