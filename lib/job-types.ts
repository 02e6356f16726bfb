// The registry of background work: every job type and every schedule the workers run.
// A new job type is one definition (lib/jobs/job-definition.ts) added here; the runtime
// in lib/jobs needs no change.
import { importJob } from "./datasets/import-job";
import { exportJob } from "./exports/export-job";
import { importSweepSchedule } from "./datasets/import-cleanup";
import { retentionSchedule } from "./exports/retention";
import { scheduledExportsTicker } from "./schedules/claim-due-runs";
import { scheduleRunJob } from "./schedules/schedule-run-job";
import type { JobDefinition } from "./jobs/job-definition";
import type { ScheduledTask } from "./jobs/schedules";

export const JOB_TYPES = {
  export: exportJob,
  import: importJob,
  "schedule-run": scheduleRunJob,
} as const satisfies Record<string, JobDefinition<unknown>>;

export function jobTypes(): Array<JobDefinition<unknown>> {
  return Object.values(JOB_TYPES);
}

export function schedules(log?: (line: string) => void): ScheduledTask[] {
  return [retentionSchedule(log), importSweepSchedule(log), scheduledExportsTicker(log)];
}
