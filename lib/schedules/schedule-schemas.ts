// The shapes of the schedules API: what creating or changing a schedule asks, and a
// schedule and its runs as the API answers them. Shared by the routes, the schedules page,
// the API document and the tests. Whether a cron expression, a time zone or a recipient
// holds is checked where the rule lives (timing.ts, recipients.ts); here only the shape.
import { z } from "zod";
import { EXPORT_FORMATS } from "../export/formats";
import { MAX_ID } from "../params";

/** The most recipients one schedule mails (configuration keeps the same number). */
export const MAX_RECIPIENTS = 20;

const ZRecipients = z
  .array(z.string({ error: "must be an e-mail address" }), { error: "must be a list of e-mail addresses" })
  .min(1, { error: "name at least one recipient" })
  .max(MAX_RECIPIENTS, { error: `at most ${MAX_RECIPIENTS} recipients` });

const scheduleFields = {
  dataset_id: z
    .number({ error: "must be a dataset id" })
    .int({ error: "must be a dataset id" })
    .positive({ error: "must be a dataset id" })
    .max(MAX_ID, { error: "must be a dataset id" }),
  format: z.enum(EXPORT_FORMATS, { error: `must be one of ${EXPORT_FORMATS.join(", ")}` }),
  /** The one-off export's options, checked by the same schema and rules. */
  options: z.record(z.string(), z.unknown(), { error: "must be an object of export options" }),
  /** Five fields: minute, hour, day of month, month, day of week. */
  cron: z.string({ error: "must be a cron expression of five fields" }).max(200, { error: "at most 200 characters" }),
  /** An IANA time zone name, such as Asia/Seoul. */
  timezone: z
    .string({ error: "must be a time zone name such as Asia/Seoul" })
    .max(100, { error: "at most 100 characters" }),
  recipients: ZRecipients,
  enabled: z.boolean({ error: "must be true or false" }),
};

/** `POST /api/schedules`. */
export const ZCreateSchedule = z.strictObject({
  ...scheduleFields,
  options: scheduleFields.options.optional(),
  enabled: scheduleFields.enabled.optional(),
});
export type TCreateSchedule = z.infer<typeof ZCreateSchedule>;

/** `PATCH /api/schedules/{id}`: any of the fields; the others stay. */
export const ZUpdateSchedule = z.strictObject({
  dataset_id: scheduleFields.dataset_id.optional(),
  format: scheduleFields.format.optional(),
  options: scheduleFields.options.optional(),
  cron: scheduleFields.cron.optional(),
  timezone: scheduleFields.timezone.optional(),
  recipients: ZRecipients.optional(),
  enabled: scheduleFields.enabled.optional(),
});
export type TUpdateSchedule = z.infer<typeof ZUpdateSchedule>;

export const RUN_TRIGGERS = ["slot", "catch_up", "manual"] as const;

/**
 * Where a run stands, in words a person reads: waiting for a worker, its export running,
 * its mail being sent (retries included), done (mailed, or written as a file when mail is
 * off), or failed (the export, or the mail after its retries: `error` says which).
 */
export const RUN_STATES = ["waiting", "exporting", "delivering", "delivered", "failed", "cancelled"] as const;
export type RunState = (typeof RUN_STATES)[number];

export const MAIL_DELIVERIES = ["pending", "sent", "written", "failed"] as const;

export const ZScheduleRun = z.object({
  id: z.string(),
  schedule_id: z.string(),
  /** The slot it ran for; for "Run now", when it was pressed. */
  slot_at: z.string(),
  trigger: z.enum(RUN_TRIGGERS),
  /** For a catch-up run: how many slots were missed while nothing ran (this run stands for them). */
  missed_slots: z.number(),
  state: z.enum(RUN_STATES),
  /** Why it failed, in the caller's language; null unless failed. */
  error: z.string().nullable(),
  /** The export job that made the file (its row in the history), once asked for. */
  export_job_id: z.string().nullable(),
  /** The file, once the export completed and while it is kept. */
  file: z
    .object({
      name: z.string(),
      size: z.number(),
      rows: z.number(),
      sha256: z.string(),
      /** The download, with the session (or a token). */
      download_url: z.string(),
    })
    .nullable(),
  delivery: z.object({
    status: z.enum(MAIL_DELIVERIES),
    attempts: z.number(),
    /** The last refusal of the mail server, when there was one. */
    error: z.string().nullable(),
    delivered_at: z.string().nullable(),
  }),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
export type TScheduleRun = z.infer<typeof ZScheduleRun>;

export const ZSchedule = z.object({
  id: z.string(),
  owner: z.object({ id: z.number(), name: z.string(), email: z.string() }),
  /** Null once the dataset was deleted (the title stays). */
  dataset_id: z.number().nullable(),
  dataset_title: z.string(),
  format: z.enum(EXPORT_FORMATS),
  options: z.record(z.string(), z.unknown()),
  cron: z.string(),
  timezone: z.string(),
  recipients: z.array(z.string()),
  enabled: z.boolean(),
  /** Why the schedule paused itself (the owner lost the right, the dataset is gone), in the caller's language. */
  paused_reason: z.string().nullable(),
  /** The next slot, in UTC; null while disabled. */
  next_run_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  /** The latest runs, newest first (at most 10). */
  runs: z.array(ZScheduleRun),
});
export type TSchedule = z.infer<typeof ZSchedule>;

/** How mail leaves this installation, for the page's note. */
export const ZMailSettings = z.object({
  /** smtp: sent to the configured server; files: written as .eml files on the server (delivery is off). */
  mode: z.enum(["smtp", "files"]),
  /** Domains recipients must be at; empty: any. */
  allowed_domains: z.array(z.string()),
  attachment_max_bytes: z.number(),
  link_days: z.number(),
});
export type TMailSettings = z.infer<typeof ZMailSettings>;

/** `GET /api/schedules`: the caller's schedules (an admin's: everyone's), newest first. */
export const ZScheduleList = z.object({ schedules: z.array(ZSchedule), mail: ZMailSettings });

/** `POST /api/schedules/{id}/run` → 202. */
export const ZRunStarted = z.object({ run_id: z.string(), job_id: z.string() });
