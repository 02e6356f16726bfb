// A schedule pausing itself because a run found its owner may no longer have it: the
// owner lost the right to export the dataset, the account was deactivated, the dataset is
// gone, the options no longer fit, or no recipient is allowed any more. It is disabled
// with the reason (shown on the page), audited, and the owner is told by mail — or, when
// the owner cannot be (deactivated), the administrators are.
import { recordAudit } from "../audit/audit";
import { loadActiveUser } from "../auth/current-user";
import { publicBaseUrl } from "../config";
import { inTransaction } from "../data/pg";
import { translate, type Locale } from "../i18n";
import { mailer } from "../mail/mailer";
import { sendWithRetries } from "../mail/send-mail";
import { activeAdmins, findAccount } from "../users/user-store";
import { composePauseMail } from "./pause-mail";
import { findSchedule, updateSchedule } from "./schedule-store";
import { isTimeZone } from "./timing";

export const PAUSE_REASONS = [
  "notAllowed",
  "ownerInactive",
  "datasetGone",
  "invalidOptions",
  "recipientsNotAllowed",
  "invalidTiming",
] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/** Waits before the one retry of a notice (it is not worth holding a run for longer). */
const NOTICE_RETRY_SECONDS = [5];

async function tell(
  schedule: { id: string; datasetTitle: string; timezone: string; ownerId: number },
  reason: PauseReason,
  signal?: AbortSignal,
): Promise<void> {
  const owner = await findAccount(schedule.ownerId);
  const toOwner = owner !== null && (await loadActiveUser(owner.id)) !== null;
  const readers = toOwner && owner ? [owner] : await activeAdmins();
  const byLocale = new Map<Locale, string[]>();
  for (const reader of readers) byLocale.set(reader.locale, [...(byLocale.get(reader.locale) ?? []), reader.email]);
  for (const [locale, to] of byLocale) {
    const mail = composePauseMail({
      locale,
      to,
      datasetTitle: schedule.datasetTitle,
      reason: translate(locale, `schedule.run.error.${reason}`),
      ownerName: owner?.name ?? "",
      ownerEmail: owner?.email ?? "",
      toAdmins: !toOwner,
      scheduleUrl: `${publicBaseUrl()}/schedules`,
      // A zone this server cannot read (the reason it paused, maybe): times in UTC.
      timeZone: isTimeZone(schedule.timezone) ? schedule.timezone : "UTC",
      at: new Date(),
    });
    const outcome = await sendWithRetries(mailer(), mail, { delaysSeconds: NOTICE_RETRY_SECONDS, signal });
    if (!outcome.ok) console.error(`schedule ${schedule.id}: the pause notice was not sent: ${outcome.reason}`);
  }
}

/** Pauses the schedule (once: a schedule already paused is left as it is) and tells its owner or the admins. */
export async function pauseSchedule(scheduleId: string, reason: PauseReason, signal?: AbortSignal): Promise<boolean> {
  const paused = await inTransaction(async (db) => {
    const schedule = await findSchedule(scheduleId, db, true);
    if (!schedule?.enabled) return null;
    await updateSchedule(
      schedule.id,
      { enabled: false, pausedReason: `schedule.paused.${reason}`, nextRunAt: null },
      db,
    );
    await recordAudit(
      {
        action: "schedule_paused",
        actorId: null,
        targetId: schedule.id,
        details: { reason, owner_id: schedule.ownerId, dataset_id: schedule.datasetId },
      },
      db,
    );
    return schedule;
  });
  if (!paused) return false;
  await tell(paused, reason, signal).catch((error: unknown) =>
    console.error(`schedule ${scheduleId}: the pause notice failed:`, error),
  );
  return true;
}
