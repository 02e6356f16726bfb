// The one owner of the schedules and schedule_runs tables: every query on them is here.
// The lifecycle columns of a run (status, attempts, heartbeat, progress) are written by the
// job runtime (lib/jobs/job-table.ts) for the table named here; the rest below. The claim of
// a slot is an insert that the unique (schedule, slot) pair lets only one process make.
import type { Db } from "../data/pg";
import { pgPool } from "../data/pg";
import type { ExportFormat } from "../export/formats";
import type { MailDelivery, ScheduleRunStatus, ScheduleRunTrigger } from "../generated/prisma/enums";
import { joinUserSql } from "../users/user-store";

/** The job runtime's name for the runs table and for the queue of runs. */
export const SCHEDULE_RUNS_TABLE = "schedule_runs";
export const SCHEDULE_RUN_QUEUE = "schedule-run";

export type ScheduleRow = {
  id: string;
  ownerId: number;
  ownerName: string;
  ownerEmail: string;
  datasetId: number | null;
  datasetTitle: string;
  format: ExportFormat;
  options: Record<string, unknown>;
  cron: string;
  timezone: string;
  recipients: string[];
  enabled: boolean;
  pausedReason: string | null;
  nextRunAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

export type RunRow = {
  id: string;
  scheduleId: string;
  /** Null for "Run now". */
  slotAt: Date | null;
  trigger: ScheduleRunTrigger;
  missedSlots: number;
  status: ScheduleRunStatus;
  errorMessage: string | null;
  attempts: number;
  createdAt: Date;
  finishedAt: Date | null;
  exportJobId: string | null;
  delivery: MailDelivery;
  deliveryAttempts: number;
  deliveryError: string | null;
  deliveredAt: Date | null;
  messageId: string | null;
};

const SCHEDULE_COLUMNS = `s.id, s.owner_id AS "ownerId", o.name AS "ownerName", o.email AS "ownerEmail",
  s.dataset_id AS "datasetId", s.dataset_title AS "datasetTitle", s.format, s.options, s.cron, s.timezone,
  COALESCE(s.recipients, '{}') AS recipients, s.enabled, s.paused_reason AS "pausedReason",
  s.next_run_at AS "nextRunAt", s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;

const SCHEDULE_FROM = `FROM schedules s ${joinUserSql("o", "s.owner_id")}`;

const RUN_COLUMNS = `r.id, r.schedule_id AS "scheduleId", r.slot_at AS "slotAt", r.trigger,
  r.missed_slots AS "missedSlots", r.status, r.error_message AS "errorMessage", r.attempts,
  r.created_at AS "createdAt", r.finished_at AS "finishedAt", r.export_job_id AS "exportJobId",
  r.delivery, r.delivery_attempts AS "deliveryAttempts", r.delivery_error AS "deliveryError",
  r.delivered_at AS "deliveredAt", r.message_id AS "messageId"`;

export type NewSchedule = {
  ownerId: number;
  datasetId: number;
  datasetTitle: string;
  format: ExportFormat;
  options: Record<string, unknown>;
  cron: string;
  timezone: string;
  recipients: string[];
  enabled: boolean;
  nextRunAt: Date | null;
};

export async function insertSchedule(schedule: NewSchedule, db: Db = pgPool()): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO schedules (id, owner_id, dataset_id, dataset_title, format, options, cron, timezone,
                            recipients, enabled, next_run_at)
     VALUES (gen_random_uuid(), $1, $2, $3, $4::"ExportFormat", $5::jsonb, $6, $7, $8::text[], $9, $10)
     RETURNING id`,
    [
      schedule.ownerId,
      schedule.datasetId,
      schedule.datasetTitle,
      schedule.format,
      JSON.stringify(schedule.options),
      schedule.cron,
      schedule.timezone,
      schedule.recipients,
      schedule.enabled,
      schedule.nextRunAt,
    ],
  );
  return rows[0]!.id;
}

/** A schedule; with `lock`, its row locked for the caller's transaction. */
export async function findSchedule(id: string, db: Db = pgPool(), lock = false): Promise<ScheduleRow | null> {
  const { rows } = await db.query<ScheduleRow>(
    `SELECT ${SCHEDULE_COLUMNS} ${SCHEDULE_FROM} WHERE s.id = $1${lock ? " FOR UPDATE OF s" : ""}`,
    [id],
  );
  return rows[0] ?? null;
}

/** Schedules newest first: one owner's, or everyone's. */
export async function listSchedules(ownerId: number | null, db: Db = pgPool()): Promise<ScheduleRow[]> {
  const { rows } = await db.query<ScheduleRow>(
    `SELECT ${SCHEDULE_COLUMNS} ${SCHEDULE_FROM}
      WHERE $1::int IS NULL OR s.owner_id = $1
      ORDER BY s.created_at DESC, s.id`,
    [ownerId],
  );
  return rows;
}

export type SchedulePatch = Partial<{
  datasetId: number;
  datasetTitle: string;
  format: ExportFormat;
  options: Record<string, unknown>;
  cron: string;
  timezone: string;
  recipients: string[];
  enabled: boolean;
  pausedReason: string | null;
  nextRunAt: Date | null;
}>;

const PATCH_COLUMNS: Record<keyof SchedulePatch, string> = {
  datasetId: "dataset_id",
  datasetTitle: "dataset_title",
  format: `format = $?::"ExportFormat"`,
  options: "options = $?::jsonb",
  cron: "cron",
  timezone: "timezone",
  recipients: "recipients = $?::text[]",
  enabled: "enabled",
  pausedReason: "paused_reason",
  nextRunAt: "next_run_at",
};

/** Writes the given fields (names are code, never input) and the time of the change. */
export async function updateSchedule(id: string, patch: SchedulePatch, db: Db = pgPool()): Promise<void> {
  const sets: string[] = [];
  const values: unknown[] = [id];
  for (const [key, value] of Object.entries(patch) as Array<[keyof SchedulePatch, unknown]>) {
    if (value === undefined) continue;
    values.push(key === "options" ? JSON.stringify(value) : value);
    const column = PATCH_COLUMNS[key];
    sets.push(column.includes("$?") ? column.replace("$?", `$${values.length}`) : `${column} = $${values.length}`);
  }
  await db.query(`UPDATE schedules SET ${[...sets, "updated_at = now()"].join(", ")} WHERE id = $1`, values);
}

export async function deleteSchedule(id: string, db: Db = pgPool()): Promise<boolean> {
  const { rowCount } = await db.query(`DELETE FROM schedules WHERE id = $1`, [id]);
  return rowCount === 1;
}

/** Schedules whose next slot has come, locked for this transaction; others' locks are skipped. */
export async function lockDueSchedules(now: Date, limit: number, db: Db): Promise<ScheduleRow[]> {
  const { rows } = await db.query<ScheduleRow>(
    `SELECT ${SCHEDULE_COLUMNS} ${SCHEDULE_FROM}
      WHERE s.enabled AND s.next_run_at IS NOT NULL AND s.next_run_at <= $1
      ORDER BY s.next_run_at
      LIMIT $2
      FOR UPDATE OF s SKIP LOCKED`,
    [now, limit],
  );
  return rows;
}

/**
 * Moves a schedule's next slot on, only if it still is `from` (a process that read it
 * before another moved it changes nothing). True when this call moved it.
 */
export async function advanceNextRun(id: string, from: Date, to: Date | null, db: Db): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE schedules SET next_run_at = $3 WHERE id = $1 AND next_run_at = $2 AND enabled`,
    [id, from, to],
  );
  return rowCount === 1;
}

/** A run of the clock (its slot), or "Run now" (no slot: never in the way of one). */
export type NewRun =
  | { scheduleId: string; slotAt: Date; trigger: "slot" | "catch_up"; missedSlots: number }
  | { scheduleId: string; slotAt: null; trigger: "manual"; missedSlots: 0 };

/** Claims a slot: the run's id, or null when another process already claimed it. */
export async function claimRun(run: NewRun, db: Db): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO schedule_runs (id, schedule_id, slot_at, trigger, missed_slots)
     VALUES (gen_random_uuid(), $1, $2, $3::"ScheduleRunTrigger", $4)
     ON CONFLICT (schedule_id, slot_at) DO NOTHING
     RETURNING id`,
    [run.scheduleId, run.slotAt, run.trigger, run.missedSlots],
  );
  return rows[0]?.id ?? null;
}

export async function findRun(id: string, db: Db = pgPool()): Promise<RunRow | null> {
  const { rows } = await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM schedule_runs r WHERE r.id = $1`, [id]);
  return rows[0] ?? null;
}

/** The latest `perSchedule` runs of each schedule, newest first. */
export async function latestRuns(
  scheduleIds: readonly string[],
  perSchedule: number,
  db: Db = pgPool(),
): Promise<RunRow[]> {
  if (scheduleIds.length === 0) return [];
  const { rows } = await db.query<RunRow>(
    `SELECT ${RUN_COLUMNS}
       FROM unnest($1::uuid[]) AS ids(id)
       CROSS JOIN LATERAL (
         SELECT * FROM schedule_runs x WHERE x.schedule_id = ids.id
          ORDER BY x.created_at DESC, x.id DESC LIMIT $2) r
      ORDER BY r.created_at DESC, r.id DESC`,
    [scheduleIds, perSchedule],
  );
  return rows;
}

/** Records the export a run asked for; fenced by the run's attempt when one is given. */
export async function setRunExport(
  runId: string,
  exportJobId: string,
  db: Db,
  attempt: number | null = null,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE schedule_runs SET export_job_id = $2
      WHERE id = $1 AND export_job_id IS NULL AND ($3::int IS NULL OR (attempts = $3 AND status = 'processing'))`,
    [runId, exportJobId, attempt],
  );
  return rowCount === 1;
}

/** Joins a schedule's row as `alias` (for the audit trail, which names a schedule by its dataset's title). */
export function leftJoinScheduleSql(alias: string, idExpression: string): string {
  return `LEFT JOIN schedules ${alias} ON ${alias}.id = ${idExpression}`;
}
