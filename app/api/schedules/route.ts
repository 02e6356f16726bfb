// GET /api/schedules – the caller's schedules with their latest runs (an admin's: everyone's),
// and how mail leaves this installation
// POST /api/schedules – {dataset_id, format, options?, cron, timezone, recipients, enabled?} → 201
import { otherMethods, withUser } from "@/lib/http/handler";
import { clientIp, readJsonBody } from "@/lib/http/request";
import { createSchedule } from "@/lib/schedules/create-schedule";
import { listSchedulesFor } from "@/lib/schedules/list-schedules";

export const GET = withUser(async ({ user, locale }) => Response.json(await listSchedulesFor(user, locale)), {
  can: "schedules.own",
});

export const POST = withUser(
  async ({ req, user, locale }) =>
    Response.json(await createSchedule(user, await readJsonBody(req), locale, clientIp(req.headers)), { status: 201 }),
  { can: "schedules.own" },
);

export const { HEAD, OPTIONS, PUT, PATCH, DELETE } = otherMethods({ GET, POST });
