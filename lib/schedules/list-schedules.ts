// Reading schedules: a manager's own, an admin's everyone's; one schedule by id for whoever
// may manage it (anyone else's id is a 404, as if it did not exist).
import { can, canManageSchedule } from "../auth/permissions";
import type { CurrentUser } from "../auth/current-user";
import { AppError } from "../errors";
import type { Locale } from "../i18n";
import { parseUuid } from "../params";
import { mailSettings, presentSchedules } from "./present-schedule";
import type { TSchedule } from "./schedule-schemas";
import { findSchedule, listSchedules, type ScheduleRow } from "./schedule-store";
import type { Db } from "../data/pg";

export async function listSchedulesFor(user: CurrentUser, locale: Locale) {
  const rows = await listSchedules(can(user, "schedules.any") ? null : user.id);
  return { schedules: await presentSchedules(rows, locale), mail: mailSettings() };
}

/** A schedule the user may manage, else the 404 of a schedule that does not exist. */
export async function findScheduleFor(user: CurrentUser, id: string, db?: Db, lock = false): Promise<ScheduleRow> {
  const scheduleId = parseUuid(id, "id");
  const schedule = scheduleId ? await findSchedule(scheduleId, db, lock) : null;
  if (!schedule || !canManageSchedule(user, schedule)) throw new AppError("not_found", "error.schedule.notFound");
  return schedule;
}

export async function getSchedule(user: CurrentUser, id: string, locale: Locale): Promise<TSchedule> {
  const [presented] = await presentSchedules([await findScheduleFor(user, id)], locale);
  return presented!;
}
