// Deleting a schedule: its runs go with it; the files its runs made stay in the history
// (their export jobs are the owner's, kept and expired like any other).
import { recordAudit } from "../audit/audit";
import type { CurrentUser } from "../auth/current-user";
import { inTransaction } from "../data/pg";
import { findScheduleFor } from "./list-schedules";
import { deleteSchedule as removeSchedule } from "./schedule-store";

export async function deleteSchedule(user: CurrentUser, id: string, ip: string | null = null): Promise<void> {
  const schedule = await findScheduleFor(user, id);
  await inTransaction(async (db) => {
    if (!(await removeSchedule(schedule.id, db))) return;
    await recordAudit(
      {
        action: "schedule_deleted",
        actorId: user.id,
        targetId: schedule.id,
        ip,
        details: {
          dataset_id: schedule.datasetId,
          dataset_title: schedule.datasetTitle,
          owner_id: schedule.ownerId,
          format: schedule.format,
          cron: schedule.cron,
        },
      },
      db,
    );
  });
}
