// The job of one scheduled run: ask for the export as the schedule's owner through the
// same request path as a click (limits, checks, audit), wait for it, then mail it.
//  - The export job and the run's record of it are written in one transaction, so a run
//    retried after its worker died waits for the same export instead of asking twice.
//  - A refusal that no retry mends (the owner lost the right, the dataset is gone, the
//    options no longer fit, no recipient is allowed) fails the run and pauses the schedule,
//    and its owner — or the admins — are told.
//  - The owner's per-minute and active-job limits are waited out, as a person would.
//  - The mail is sent with retries and backoff; a mail server that keeps refusing fails the
//    run with its reply, and the file stays in the history.
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { z, ZodError } from "zod";
import { recordAudit } from "../audit/audit";
import { loadActiveUser, type CurrentUser } from "../auth/current-user";
import { config, publicBaseUrl } from "../config";
import { AppError } from "../errors";
import { ExportOptionsError } from "../export/plan";
import { activeExportJobCount, exportFileStates, type ExportFileState } from "../exports/export-job-store";
import { refundExportRequest } from "../exports/export-rate-limit";
import { requestExport } from "../exports/request-export";
import { exportStore } from "../files/export-store";
import { signDownload } from "../files/signed-url";
import { DEFAULT_LOCALE } from "../i18n";
import { defineJob, JobFailure, type JobHelpers } from "../jobs/job-definition";
import { MailRefused, mailer } from "../mail/mailer";
import { sendWithRetries } from "../mail/send-mail";
import { findAccount } from "../users/user-store";
import { pauseSchedule, type PauseReason } from "./pause-schedule";
import { domainAllowed } from "./recipients";
import { composeRunMail } from "./run-mail";
import {
  findSchedule,
  SCHEDULE_RUN_QUEUE,
  SCHEDULE_RUNS_TABLE,
  setRunExport,
  type ScheduleRow,
} from "./schedule-store";

/** The columns of a run's row the work needs (unknown until parsed). */
export const ZScheduleRunPayload = z.object({
  id: z.uuid(),
  schedule_id: z.uuid(),
  /** Null for "Run now": the mail then says when it was asked for. */
  slot_at: z.string().nullable(),
  created_at: z.string(),
  trigger: z.enum(["slot", "catch_up", "manual"]),
  missed_slots: z.number().int(),
  export_job_id: z.uuid().nullable(),
  delivery: z.enum(["pending", "sent", "written", "failed"]),
});
export type TScheduleRunPayload = z.infer<typeof ZScheduleRunPayload>;

/** How often a run looks at its export while it runs. */
const EXPORT_POLL_MS = 500;
/** The longest a run waits out its owner's export limits before it gives up. */
const BUSY_LIMIT_MS = 60 * 60 * 1000;

/** Pauses the schedule and fails the run in the same words. */
async function refuse(schedule: ScheduleRow, reason: PauseReason, signal: AbortSignal): Promise<never> {
  await pauseSchedule(schedule.id, reason, signal);
  throw new JobFailure(`schedule.run.error.${reason}`);
}

/** Why an export request refused, as the reason a schedule pauses; null for what waiting mends. */
function pauseReasonOf(error: unknown): PauseReason | null {
  if (error instanceof ZodError || error instanceof ExportOptionsError) return "invalidOptions";
  if (!(error instanceof AppError)) return null;
  if (error.code === "forbidden") return "notAllowed";
  if (error.code === "not_found") return "datasetGone";
  if (error.code === "invalid") return "invalidOptions";
  return null;
}

/**
 * Asks for the export as the owner, waiting out their limits as a person would: while the
 * owner has as many jobs running as they may, it waits without asking (a refused ask would
 * spend the owner's per-minute requests and fill the audit trail); a refusal that still
 * comes (a race, the per-minute limit) is waited out with a growing pause. The job's id.
 */
async function askForExport(
  payload: TScheduleRunPayload,
  schedule: ScheduleRow,
  owner: CurrentUser,
  helpers: JobHelpers,
): Promise<string> {
  const { signal, job } = helpers;
  const account = await findAccount(owner.id);
  const started = Date.now();
  let pauseSeconds = 2;
  const waitTurn = async (atLeastSeconds = 0) => {
    if (Date.now() - started > BUSY_LIMIT_MS) throw new JobFailure("schedule.run.error.busy");
    await helpers.beat();
    await sleep(Math.max(pauseSeconds, atLeastSeconds) * 1000, undefined, { signal });
    pauseSeconds = Math.min(60, pauseSeconds * 2);
  };
  for (;;) {
    if ((await activeExportJobCount(owner.id)) >= config.export.activeJobsPerUser) {
      await waitTurn();
      continue;
    }
    try {
      const result = await requestExport(
        { user: owner, ip: null, locale: account?.locale ?? DEFAULT_LOCALE },
        { datasetId: schedule.datasetId ?? 0, format: schedule.format, options: () => schedule.options },
        "job",
        {
          onQueued: async (client, jobId) => {
            // Fenced by this attempt: a run taken over meanwhile must not get a second export.
            if (!(await setRunExport(payload.id, jobId, client, job.attempt))) throw new Error("run lost");
          },
        },
      );
      if (result.delivery !== "job") throw new Error("a scheduled export must run as a job");
      return result.job.id;
    } catch (error) {
      const reason = pauseReasonOf(error);
      if (reason) return refuse(schedule, reason, signal);
      if (!(error instanceof AppError && error.code === "rate_limited")) throw error;
      // Refused for the jobs at once after its request was counted: the count is given back.
      if (error.messageKey === "job.concurrentLimit") await refundExportRequest(owner.id);
      await waitTurn(Math.min(60, error.options.retryAfterSeconds ?? 0));
    }
  }
}

/** Waits for the export to end; its row once completed. */
async function waitForExport(
  exportJobId: string,
  schedule: ScheduleRow,
  helpers: JobHelpers,
): Promise<ExportFileState> {
  for (;;) {
    const state = (await exportFileStates([exportJobId])).get(exportJobId);
    if (!state) throw new JobFailure("schedule.run.error.exportFailed");
    helpers.progress(state.processedRows);
    if (state.deletedAt) throw new JobFailure("schedule.run.error.exportDeleted");
    if (state.status === "completed") return state;
    if (state.status === "cancelled") throw new JobFailure("schedule.run.error.exportCancelled");
    if (state.status === "failed" || state.status === "expired") {
      if (state.errorMessage === "job.error.notAllowed") return refuse(schedule, "notAllowed", helpers.signal);
      if (state.errorMessage === "job.error.datasetGone") return refuse(schedule, "datasetGone", helpers.signal);
      throw new JobFailure("schedule.run.error.exportFailed");
    }
    await sleep(EXPORT_POLL_MS, undefined, { signal: helpers.signal });
  }
}

/**
 * The stored file as a source of attachment bytes: each opening (one per attempt) reads it
 * through a handle whose bytes were checked against the recorded SHA-256 first, so a file
 * changed on disk is never mailed as good (audited). `check` opens it once before anything
 * is sent, so a mismatch fails the run rather than each attempt.
 */
function verifiedSource(file: ExportFileState): { open: () => Promise<Readable>; check: () => Promise<void> } {
  const open = async (): Promise<Readable> => {
    const stored = file.storageKey ? await exportStore().open(file.storageKey) : null;
    const actual = stored ? await stored.sha256() : null;
    if (!stored || actual !== file.sha256) {
      await stored?.close();
      await recordAudit({
        action: "integrity_failure",
        actorId: null,
        targetId: file.id,
        details: stored
          ? { reason: "sha256_mismatch", expected: file.sha256, actual, bytes: stored.size, when: "schedule_mail" }
          : { reason: "file_missing", when: "schedule_mail" },
      });
      throw new MailRefused("the file no longer matches its SHA-256", true);
    }
    return Readable.fromWeb(stored.stream() as Parameters<typeof Readable.fromWeb>[0]);
  };
  const check = async () => {
    try {
      (await open()).destroy();
    } catch {
      throw new JobFailure("schedule.run.error.integrity");
    }
  };
  return { open, check };
}

async function deliver(
  payload: TScheduleRunPayload,
  schedule: ScheduleRow,
  file: ExportFileState,
  helpers: JobHelpers,
) {
  const account = await findAccount(schedule.ownerId);
  const locale = account?.locale ?? DEFAULT_LOCALE;
  // Checked again: the allowed domains may have changed since the run began.
  const recipients = schedule.recipients.filter((address) => domainAllowed(address));
  if (recipients.length === 0) return refuse(schedule, "recipientsNotAllowed", helpers.signal);
  const source = verifiedSource(file);
  const link = signDownload(file.id, schedule.ownerId, Date.now(), config.mail.linkDays * 24 * 60);
  const input = {
    locale,
    recipients,
    datasetTitle: schedule.datasetTitle,
    format: schedule.format,
    rows: file.processedRows,
    size: file.fileSize ?? 0,
    sha256: file.sha256 ?? "",
    fileName: file.fileName ?? "export",
    link: `${publicBaseUrl()}/api/export/download/${file.id}?token=${encodeURIComponent(link.token)}`,
    linkExpiresAt: link.expiresAt,
    timeZone: schedule.timezone,
    slotAt: new Date(payload.slot_at ?? payload.created_at),
    trigger: payload.trigger,
    missedSlots: payload.missed_slots,
    scheduleUrl: `${publicBaseUrl()}/schedules`,
    attachmentMaxBytes: config.mail.attachmentMaxBytes,
    attachFrom: { open: source.open },
  };
  const { attached, ...mail } = composeRunMail(input);
  if (attached) await source.check();
  const outcome = await sendWithRetries(mailer(), mail, {
    delaysSeconds: config.mail.retryDelaysSeconds,
    signal: helpers.signal,
    onAttempt: async (attempt, reason) => {
      await helpers.update({ delivery_attempts: attempt, delivery_error: reason });
    },
  });
  if (!outcome.ok) {
    await helpers.update({ delivery: "failed", delivery_attempts: outcome.attempts, delivery_error: outcome.reason });
    throw new JobFailure("schedule.run.error.mailFailed");
  }
  const via = outcome.sent.via === "smtp" ? "sent" : "written";
  const refused = outcome.sent.rejected ?? [];
  // Recorded the moment the server took it, on its own: a run retried after a failure past
  // this point (a database hiccup) does not mail again.
  const fields = {
    delivery: via,
    delivery_attempts: outcome.attempts,
    delivered_at: new Date(),
    message_id: outcome.sent.messageId,
    delivery_error: refused.length > 0 ? `the mail server refused ${refused.join(", ")}` : null,
  };
  if (!(await helpers.update(fields))) return;
  await helpers.complete(fields, (db) =>
    recordAudit(
      {
        action: "schedule_run",
        actorId: schedule.ownerId,
        targetId: schedule.id,
        details: {
          run_id: payload.id,
          trigger: payload.trigger,
          slot_at: payload.slot_at,
          job_id: file.id,
          outcome: "delivered",
          delivery: via,
          attempts: outcome.attempts,
          ...(refused.length > 0 ? { refused } : {}),
          recipients: input.recipients.length,
          attached,
        },
      },
      db,
    ),
  );
}

async function run(payload: TScheduleRunPayload, helpers: JobHelpers): Promise<void> {
  const schedule = await findSchedule(payload.schedule_id);
  if (!schedule) throw new JobFailure("error.schedule.notFound");
  let exportJobId = payload.export_job_id;
  // A slot claimed just before the schedule was paused does not run after all.
  if (!exportJobId && payload.trigger !== "manual" && !schedule.enabled) {
    throw new JobFailure("schedule.run.error.paused");
  }
  if (!exportJobId) {
    const owner = await loadActiveUser(schedule.ownerId);
    if (!owner) return refuse(schedule, "ownerInactive", helpers.signal);
    if (schedule.datasetId === null) return refuse(schedule, "datasetGone", helpers.signal);
    if (!schedule.recipients.some((address) => domainAllowed(address))) {
      return refuse(schedule, "recipientsNotAllowed", helpers.signal);
    }
    exportJobId = await askForExport(payload, schedule, owner, helpers);
  }
  const file = await waitForExport(exportJobId, schedule, helpers);
  // Mailed already by an attempt that failed after the server took the mail: done. (A
  // worker that dies between the server's acceptance and that record mails again: a
  // mail is sent at least once.)
  if (payload.delivery === "sent" || payload.delivery === "written") return;
  await deliver(payload, schedule, file, helpers);
}

export const scheduleRunJob = defineJob<TScheduleRunPayload>({
  name: SCHEDULE_RUN_QUEUE,
  table: SCHEDULE_RUNS_TABLE,
  payload: ZScheduleRunPayload,
  run,
  async recordFailure(job, failure, db) {
    if (!job.payload) return;
    await recordAudit(
      {
        action: "schedule_run",
        actorId: null,
        targetId: job.payload.schedule_id,
        details: {
          run_id: job.id,
          trigger: job.payload.trigger,
          slot_at: job.payload.slot_at,
          outcome: "failed",
          error: failure.message,
          attempt: failure.attempt,
        },
      },
      db,
    );
  },
});
