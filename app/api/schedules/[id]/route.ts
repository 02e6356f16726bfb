// GET /api/schedules/:id – one schedule with its latest runs (anyone else's id → 404)
// PATCH /api/schedules/:id – any of its fields; {enabled: false} pauses, {enabled: true} resumes
// DELETE /api/schedules/:id – → 204; the files of its runs stay in the history
import { otherMethods, withUser } from "@/lib/http/handler";
import { clientIp, readJsonBody } from "@/lib/http/request";
import { deleteSchedule } from "@/lib/schedules/delete-schedule";
import { getSchedule } from "@/lib/schedules/list-schedules";
import { updateSchedule } from "@/lib/schedules/update-schedule";

export const GET = withUser<{ id: string }>(
  async ({ user, params, locale }) => Response.json(await getSchedule(user, params.id, locale)),
  { can: "schedules.own" },
);

export const PATCH = withUser<{ id: string }>(
  async ({ req, user, params, locale }) =>
    Response.json(await updateSchedule(user, params.id, await readJsonBody(req), locale, clientIp(req.headers))),
  { can: "schedules.own" },
);

export const DELETE = withUser<{ id: string }>(
  async ({ req, user, params }) => {
    await deleteSchedule(user, params.id, clientIp(req.headers));
    return new Response(null, { status: 204 });
  },
  { can: "schedules.own" },
);

export const { HEAD, OPTIONS, POST, PUT } = otherMethods({ GET, PATCH, DELETE });
