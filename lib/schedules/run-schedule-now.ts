// "Run now": one run of a schedule at once, whether it is enabled or not, as its owner —
// through the same request path as a click, so the owner's limits and rights hold and a
// refusal is answered at once (403, 429 …). The export job, the run and the run's queue
// message are written in one transaction: a run exists exactly when its export does.
import type { CurrentUser } from "../auth/current-user";
import { loadActiveUser } from "../auth/current-user";
import { AppError } from "../errors";
import { requestExport } from "../exports/request-export";
import { DEFAULT_LOCALE } from "../i18n";
import { dispatchJob } from "../jobs/queue";
import { nudgeLocalWorkers } from "../jobs/wake";
import { findAccount } from "../users/user-store";
import { findScheduleFor } from "./list-schedules";
import { domainAllowed } from "./recipients";
import { claimRun, SCHEDULE_RUN_QUEUE, setRunExport } from "./schedule-store";

export async function runScheduleNow(
  user: CurrentUser,
  id: string,
  ip: string | null = null,
): Promise<{ run_id: string; job_id: string }> {
  const schedule = await findScheduleFor(user, id);
  const owner = await loadActiveUser(schedule.ownerId);
  if (!owner) throw new AppError("conflict", "error.schedule.ownerInactive");
  if (schedule.datasetId === null) throw new AppError("conflict", "error.schedule.datasetGone");
  if (!schedule.recipients.some((address) => domainAllowed(address))) {
    throw new AppError("conflict", "error.schedule.noRecipients");
  }
  const account = await findAccount(owner.id);
  let runId: string | null = null;
  const result = await requestExport(
    { user: owner, ip, locale: account?.locale ?? DEFAULT_LOCALE },
    { datasetId: schedule.datasetId, format: schedule.format, options: () => schedule.options },
    "job",
    {
      onQueued: async (client, jobId) => {
        runId = await claimRun({ scheduleId: schedule.id, slotAt: null, trigger: "manual", missedSlots: 0 }, client);
        if (!runId) throw new AppError("conflict", "error.invalid");
        await setRunExport(runId, jobId, client);
        await dispatchJob(client, SCHEDULE_RUN_QUEUE, runId);
      },
    },
  );
  if (result.delivery !== "job" || !runId) throw new Error("a scheduled export must run as a job");
  nudgeLocalWorkers(SCHEDULE_RUN_QUEUE);
  return { run_id: runId, job_id: result.job.id };
}
