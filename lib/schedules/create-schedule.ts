// "Send me this export on a clock": a schedule owned by whoever creates it, checked as an
// export they could ask for now (check-schedule), its first slot worked out, audited.
import { recordAudit } from "../audit/audit";
import type { CurrentUser } from "../auth/current-user";
import { inTransaction } from "../data/pg";
import type { Locale } from "../i18n";
import { checkSchedule } from "./check-schedule";
import { getSchedule } from "./list-schedules";
import { ZCreateSchedule, type TSchedule } from "./schedule-schemas";
import { insertSchedule } from "./schedule-store";
import { nextSlot } from "./timing";

export async function createSchedule(
  user: CurrentUser,
  body: unknown,
  locale: Locale,
  ip: string | null = null,
  now = new Date(),
): Promise<TSchedule> {
  const input = ZCreateSchedule.parse(body);
  const checked = await checkSchedule(user, {
    datasetId: input.dataset_id,
    format: input.format,
    options: input.options ?? {},
    cron: input.cron,
    timezone: input.timezone,
    recipients: input.recipients,
  });
  const enabled = input.enabled ?? true;
  const id = await inTransaction(async (db) => {
    const created = await insertSchedule(
      {
        ownerId: user.id,
        ...checked,
        enabled,
        nextRunAt: enabled ? nextSlot(checked.cron, checked.timezone, now) : null,
      },
      db,
    );
    await recordAudit(
      {
        action: "schedule_created",
        actorId: user.id,
        targetId: created,
        ip,
        details: {
          dataset_id: checked.datasetId,
          dataset_title: checked.datasetTitle,
          format: checked.format,
          cron: checked.cron,
          timezone: checked.timezone,
          recipients: checked.recipients,
          enabled,
        },
      },
      db,
    );
    return created;
  });
  return getSchedule(user, id, locale);
}
