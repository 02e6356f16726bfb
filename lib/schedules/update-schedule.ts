// Changing a schedule: any of its fields, pausing or resuming it. The whole schedule is
// checked again as its owner would ask for it (an admin changing a manager's schedule
// cannot make it export what the manager may not); the next slot is worked out again when
// the timing changes or it resumes — never a catch-up for the slots it was paused over.
// Resuming clears the reason it paused itself, once the check passes.
import { recordAudit } from "../audit/audit";
import { loadActiveUser, type CurrentUser } from "../auth/current-user";
import { inTransaction } from "../data/pg";
import { invalidFields } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import type { Locale } from "../i18n";
import { checkSchedule } from "./check-schedule";
import { findScheduleFor, getSchedule } from "./list-schedules";
import { ZUpdateSchedule, type TSchedule } from "./schedule-schemas";
import { updateSchedule as writeSchedule, type SchedulePatch, type ScheduleRow } from "./schedule-store";
import { nextSlot } from "./timing";

const AUDITED = ["datasetId", "format", "options", "cron", "timezone", "recipients", "enabled"] as const;
const AUDIT_NAMES: Record<(typeof AUDITED)[number], string> = {
  datasetId: "dataset_id",
  format: "format",
  options: "options",
  cron: "cron",
  timezone: "timezone",
  recipients: "recipients",
  enabled: "enabled",
};

function changes(before: ScheduleRow, patch: SchedulePatch): Prisma.InputJsonObject {
  const changed: Record<string, Prisma.InputJsonValue> = {};
  for (const key of AUDITED) {
    const after = patch[key];
    if (after === undefined) continue;
    const was = before[key];
    if (JSON.stringify(was) === JSON.stringify(after)) continue;
    changed[AUDIT_NAMES[key]] = { from: was as Prisma.InputJsonValue, to: after as Prisma.InputJsonValue };
  }
  return changed;
}

export async function updateSchedule(
  user: CurrentUser,
  id: string,
  body: unknown,
  locale: Locale,
  ip: string | null = null,
  now = new Date(),
): Promise<TSchedule> {
  const input = ZUpdateSchedule.parse(body);
  const current = await findScheduleFor(user, id);
  if (Object.keys(input).length === 1 && input.enabled === false) {
    // Pausing asks nothing of the owner or the dataset: it works whatever became of them.
    await inTransaction(async (db) => {
      const locked = await findScheduleFor(user, current.id, db, true);
      if (!locked.enabled) return;
      await writeSchedule(locked.id, { enabled: false, nextRunAt: null }, db);
      await recordAudit(
        {
          action: "schedule_updated",
          actorId: user.id,
          targetId: locked.id,
          ip,
          details: { changes: { enabled: { from: true, to: false } } },
        },
        db,
      );
    });
    return getSchedule(user, current.id, locale);
  }
  const owner = await loadActiveUser(current.ownerId);
  if (!owner) {
    throw invalidFields([
      { field: "enabled", message: "the schedule's owner is deactivated: it cannot be changed or resumed" },
    ]);
  }
  const datasetId = input.dataset_id ?? current.datasetId;
  if (datasetId === null) {
    throw invalidFields([{ field: "dataset_id", message: "the dataset was deleted: choose another" }]);
  }
  const checked = await checkSchedule(owner, {
    datasetId,
    format: input.format ?? current.format,
    options: input.options ?? current.options,
    cron: input.cron ?? current.cron,
    timezone: input.timezone ?? current.timezone,
    recipients: input.recipients ?? current.recipients,
  });
  await inTransaction(async (db) => {
    // Worked out on the row as it is now, locked: a run that paused the schedule while it
    // was being checked is not undone by a change that did not ask to resume it.
    const locked = await findScheduleFor(user, current.id, db, true);
    const enabled = input.enabled ?? locked.enabled;
    const timingChanged = checked.cron !== locked.cron || checked.timezone !== locked.timezone;
    const resumed = enabled && !locked.enabled;
    const patch: SchedulePatch = {
      ...checked,
      enabled,
      pausedReason: enabled ? null : locked.pausedReason,
      nextRunAt: !enabled
        ? null
        : timingChanged || resumed || !locked.nextRunAt
          ? nextSlot(checked.cron, checked.timezone, now)
          : locked.nextRunAt,
    };
    await writeSchedule(locked.id, patch, db);
    const changed = changes(locked, patch);
    if (Object.keys(changed).length > 0) {
      await recordAudit(
        { action: "schedule_updated", actorId: user.id, targetId: locked.id, ip, details: { changes: changed } },
        db,
      );
    }
  });
  return getSchedule(user, current.id, locale);
}
