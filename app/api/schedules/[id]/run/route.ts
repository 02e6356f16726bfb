// POST /api/schedules/:id/run – "Run now": the export starts at once as the schedule's owner
// → 202 {run_id, job_id}; the owner's limits and rights apply (429, 403)
import { otherMethods, withUser } from "@/lib/http/handler";
import { clientIp } from "@/lib/http/request";
import { runScheduleNow } from "@/lib/schedules/run-schedule-now";

export const POST = withUser<{ id: string }>(
  async ({ req, user, params }) =>
    Response.json(await runScheduleNow(user, params.id, clientIp(req.headers)), { status: 202 }),
  { can: "schedules.own" },
);

export const { GET, HEAD, OPTIONS, PUT, PATCH, DELETE } = otherMethods({ POST });
