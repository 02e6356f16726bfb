// The clock of scheduled exports. Every worker process looks for due schedules every few
// seconds (config.schedules.tickSeconds); however many look at once, each slot is claimed
// once: a schedule's row is locked while its slot is claimed (others skip it), its next
// slot moves on only from the value this process read, and the run's insert is unique per
// schedule and slot. A slot found long after it came (the processes were down) runs as one
// catch-up run standing for every slot missed, never as a burst.
import { config } from "../config";
import { inTransaction, pgPool } from "../data/pg";
import { dispatchJob } from "../jobs/queue";
import type { ScheduledTask } from "../jobs/schedules";
import { nudgeLocalWorkers } from "../jobs/wake";
import { advanceNextRun, claimRun, lockDueSchedules, SCHEDULE_RUN_QUEUE } from "./schedule-store";
import { pauseSchedule } from "./pause-schedule";
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

/**
 * The latest slot at or before `now`, looked for in windows that grow until one holds a
 * slot: a minute's cron finds it in the first, a yearly one in the last.
 */
function latestSlot(cron: string, timeZone: string, now: Date): Date | null {
  for (const hours of [1, 24, 24 * 32, 24 * 367, 24 * 366 * 5]) {
    const window = slotsBetween(cron, timeZone, new Date(now.getTime() - hours * 3_600_000), now, Infinity);
    if (window.length > 0) return window.at(-1) ?? null;
  }
  return null;
}

type ClaimOutcome = { claimed: ClaimedRun | null } | { unreadable: string } | null;

/** Claims the run of one due schedule (the one this process locked); null when none is due. */
async function claimOne(now: Date): Promise<ClaimOutcome> {
  return inTransaction(async (db) => {
    const [schedule] = await lockDueSchedules(now, 1, db);
    if (!schedule?.nextRunAt) return null;
    const first = schedule.nextRunAt;
    let slotAt: Date;
    let missed: number;
    let next: Date | null;
    try {
      const later = slotsBetween(schedule.cron, schedule.timezone, first, now, MISSED_COUNT_LIMIT);
      slotAt =
        later.length < MISSED_COUNT_LIMIT
          ? (later.at(-1) ?? first)
          : (latestSlot(schedule.cron, schedule.timezone, now) ?? first);
      missed = later.length;
      next = nextSlot(schedule.cron, schedule.timezone, now);
    } catch (error) {
      // A stored expression or zone this server cannot read (a zone dropped from the
      // runtime's data, a stricter parser): that schedule pauses, the others still run.
      console.error(`schedule ${schedule.id}: its timing cannot be read:`, error);
      return { unreadable: schedule.id };
    }
    const late = now.getTime() - slotAt.getTime() > config.schedules.lateMinutes * 60_000;
    const catchUp = missed > 0 || late;
    if (!(await advanceNextRun(schedule.id, first, next, db))) return { claimed: null };
    const run = catchUp
      ? { scheduleId: schedule.id, slotAt, trigger: "catch_up" as const, missedSlots: missed + 1 }
      : { scheduleId: schedule.id, slotAt, trigger: "slot" as const, missedSlots: 0 };
    const runId = await claimRun(run, db);
    if (!runId) return { claimed: null };
    await dispatchJob(db, SCHEDULE_RUN_QUEUE, runId);
    return { claimed: { runId, ...run } };
  });
}

/** The database's clock: every process claims by the same time, whatever its own clock says. */
async function databaseNow(): Promise<Date> {
  const { rows } = await pgPool().query<{ now: Date }>("SELECT clock_timestamp() AS now");
  return rows[0]?.now ?? new Date();
}

/** Claims every schedule due at `now` (the database's time unless given); what this process claimed. */
export async function claimDueRuns(at?: Date): Promise<ClaimedRun[]> {
  const now = at ?? (await databaseNow());
  const claimed: ClaimedRun[] = [];
  // One schedule per transaction, so one slow or failing schedule does not hold the rest.
  for (let i = 0; i < 1000; i++) {
    const result = await claimOne(now);
    if (!result) break;
    if ("unreadable" in result) await pauseSchedule(result.unreadable, "invalidTiming");
    else if (result.claimed) claimed.push(result.claimed);
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
