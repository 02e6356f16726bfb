// A schedule and its runs as the API answers them (schedule-schemas.ts), in the caller's
// language: where each run stands in words, why it failed, and its file while it is kept.
import { config } from "../config";
import { exportFileStates, type ExportFileState } from "../exports/export-job-store";
import { translate, translateStored, type Locale } from "../i18n";
import { mailer } from "../mail/mailer";
import type { RunState, TMailSettings, TSchedule, TScheduleRun } from "./schedule-schemas";
import { latestRuns, type RunRow, type ScheduleRow } from "./schedule-store";

/** Runs listed with each schedule. */
export const LISTED_RUNS = 10;

function runState(run: RunRow, file: ExportFileState | undefined): RunState {
  switch (run.status) {
    case "pending":
      return "waiting";
    case "completed":
      return "delivered";
    case "failed":
      return "failed";
    case "cancelled":
      return "cancelled";
    case "processing":
      return file?.status === "completed" ? "delivering" : "exporting";
  }
}

function runError(run: RunRow, file: ExportFileState | undefined, locale: Locale): string | null {
  if (run.status !== "failed" || !run.errorMessage) return null;
  if (run.errorMessage === "schedule.run.error.mailFailed") {
    return translate(locale, "schedule.run.error.mailFailed", {
      attempts: run.deliveryAttempts,
      reason: run.deliveryError ?? "",
    });
  }
  if (run.errorMessage === "schedule.run.error.exportFailed") {
    const reason = file?.errorMessage ? translateStored(locale, file.errorMessage) : "";
    return translate(locale, "schedule.run.error.exportFailed", { reason });
  }
  return translateStored(locale, run.errorMessage);
}

export function presentRun(run: RunRow, file: ExportFileState | undefined, locale: Locale): TScheduleRun {
  const kept = file && file.status === "completed" && !file.deletedAt && file.sha256 && file.fileName;
  return {
    id: run.id,
    schedule_id: run.scheduleId,
    slot_at: (run.slotAt ?? run.createdAt).toISOString(),
    trigger: run.trigger,
    missed_slots: run.missedSlots,
    state: runState(run, file),
    error: runError(run, file, locale),
    export_job_id: run.exportJobId,
    file: kept
      ? {
          name: file.fileName ?? "",
          size: file.fileSize ?? 0,
          rows: file.processedRows,
          sha256: file.sha256 ?? "",
          download_url: `/api/export/download/${file.id}`,
        }
      : null,
    delivery: {
      status: run.delivery,
      attempts: run.deliveryAttempts,
      error: run.deliveryError,
      delivered_at: run.deliveredAt?.toISOString() ?? null,
    },
    created_at: run.createdAt.toISOString(),
    finished_at: run.finishedAt?.toISOString() ?? null,
  };
}

/** The schedules with their latest runs, read in two queries whatever their number. */
export async function presentSchedules(schedules: readonly ScheduleRow[], locale: Locale): Promise<TSchedule[]> {
  const runs = await latestRuns(
    schedules.map((s) => s.id),
    LISTED_RUNS,
  );
  const files = await exportFileStates(runs.flatMap((run) => (run.exportJobId ? [run.exportJobId] : [])));
  return schedules.map((schedule) => ({
    id: schedule.id,
    owner: { id: schedule.ownerId, name: schedule.ownerName, email: schedule.ownerEmail },
    dataset_id: schedule.datasetId,
    dataset_title: schedule.datasetTitle,
    format: schedule.format,
    options: schedule.options,
    cron: schedule.cron,
    timezone: schedule.timezone,
    recipients: schedule.recipients,
    enabled: schedule.enabled,
    paused_reason: schedule.pausedReason ? translateStored(locale, schedule.pausedReason) : null,
    next_run_at: schedule.nextRunAt?.toISOString() ?? null,
    created_at: schedule.createdAt.toISOString(),
    updated_at: schedule.updatedAt.toISOString(),
    runs: runs
      .filter((run) => run.scheduleId === schedule.id)
      .map((run) => presentRun(run, run.exportJobId ? files.get(run.exportJobId) : undefined, locale)),
  }));
}

export function mailSettings(): TMailSettings {
  return {
    mode: mailer().mode,
    allowed_domains: [...config.mail.allowedDomains],
    attachment_max_bytes: config.mail.attachmentMaxBytes,
    link_days: config.mail.linkDays,
  };
}
