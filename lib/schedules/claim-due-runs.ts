// The clock of scheduled exports. Every worker process looks for due schedules every few
// seconds (config.schedules.tickSeconds); however many look at once, each slot is claimed
// once: a schedule's row is locked while its slot is claimed (others skip it), its next
// slot moves on only from the value this process read, and the run's insert is unique per
// schedule and slot. A slot found long after it came (the processes were down) runs as one
// catch-up run standing for every slot missed, never as a burst.
import { config } from "../config";
import { inTransaction } from "../data/pg";
import { dispatchJob } from "../jobs/queue";
import type { ScheduledTask } from "../jobs/schedules";
import { nudgeLocalWorkers } from "../jobs/wake";
import { advanceNextRun, claimRun, lockDueSchedules, SCHEDULE_RUN_QUEUE } from "./schedule-store";
import { nextSlot, slotsBetween } from "./timing";

/** At most this many missed slots are counted for a catch-up run ("10,000 or more"). */
const MISSED_COUNT_LIMIT = 10_000;

export type ClaimedRun = {
  runId: string;
  scheduleId: string;
  slotAt: Date;
  trigger: "slot" | "catch_up";
  missedSlots: number;
};

/** Claims the run of one due schedule (the one this process locked); null when none is due. */
async function claimOne(now: Date): Promise<{ claimed: ClaimedRun | null } | null> {
  return inTransaction(async (db) => {
    const [schedule] = await lockDueSchedules(now, 1, db);
    if (!schedule?.nextRunAt) return null;
    const first = schedule.nextRunAt;
    const later = slotsBetween(schedule.cron, schedule.timezone, first, now, MISSED_COUNT_LIMIT);
    const slotAt = later.at(-1) ?? first;
    const late = now.getTime() - slotAt.getTime() > config.schedules.lateMinutes * 60_000;
    const catchUp = later.length > 0 || late;
    if (!(await advanceNextRun(schedule.id, first, nextSlot(schedule.cron, schedule.timezone, now), db))) {
      return { claimed: null };
    }
    const trigger = catchUp ? "catch_up" : "slot";
    const missedSlots = catchUp ? later.length + 1 : 0;
    const runId = await claimRun({ scheduleId: schedule.id, slotAt, trigger, missedSlots }, db);
    if (!runId) return { claimed: null };
    await dispatchJob(db, SCHEDULE_RUN_QUEUE, runId);
    return { claimed: { runId, scheduleId: schedule.id, slotAt, trigger, missedSlots } };
  });
}

/** Claims every schedule due at `now`; what this process claimed. */
export async function claimDueRuns(now = new Date()): Promise<ClaimedRun[]> {
  const claimed: ClaimedRun[] = [];
  // One schedule per transaction, so one slow or failing schedule does not hold the rest.
  for (let i = 0; i < 1000; i++) {
    const result = await claimOne(now);
    if (!result) break;
    if (result.claimed) claimed.push(result.claimed);
  }
  if (claimed.length > 0) nudgeLocalWorkers(SCHEDULE_RUN_QUEUE);
  return claimed;
}

/** The ticking, for a worker process: every few seconds, and once at start (catch-up after downtime). */
export function scheduledExportsTicker(log: (line: string) => void = console.log): ScheduledTask {
  return {
    name: "scheduled-exports",
    everySeconds: config.schedules.tickSeconds,
    runAtStart: true,
    async run() {
      const claimed = await claimDueRuns();
      for (const run of claimed) {
        log(
          `schedule ${run.scheduleId}: ${run.trigger === "catch_up" ? `catch-up run for ${run.missedSlots} missed slots` : "run"} ${run.runId} for ${run.slotAt.toISOString()}`,
        );
      }
    },
  };
}
