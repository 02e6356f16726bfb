// Runs one attempt at a job of any type: claim the row, parse what it carries, hand the
// work an AbortSignal and progress helpers, write progress and the heartbeat every
// `heartbeatMs`, and decide what becomes of the attempt. A heartbeat that finds the job
// no longer ours (cancelled, or taken over after a lease ran out) aborts the work at once;
// a shutdown gives it `graceMs` to finish, then aborts it and hands the job back.
import { config } from "../config";
import { JobFailure, type Attempt, type JobDefinition, type JobHelpers } from "./job-definition";
import { runWithRequestContext, type RequestContext } from "../auth/request-context";
import { isRequestId, log } from "../log";
import { claimJob, completeJob, failJob, releaseJob, reportProgress, updateJob, type ClaimedRow } from "./job-table";

export type RunJobOptions = {
  /** Aborts when the worker shuts down: the job gets `graceMs` to finish, then is handed back. */
  shutdown?: AbortSignal;
  graceMs?: number;
  heartbeatMs?: number;
  maxAttempts?: number;
  /** Seconds a job waits before it runs again after a transient failure. */
  retryDelaySeconds?: number;
};

/** What became of an attempt; "stopped": the job was cancelled or taken over mid-run. */
export type RunOutcome = "not_claimed" | "completed" | "failed" | "stopped" | "released" | "retrying";

class StopJob extends Error {
  constructor(readonly why: "lost" | "shutdown") {
    super(`job stopped: ${why}`);
  }
}

export async function runJob<P>(
  definition: JobDefinition<P>,
  jobId: string,
  options: RunJobOptions = {},
): Promise<RunOutcome> {
  const claimed = await claimJob(definition.table, jobId);
  if (!claimed) return "not_claimed";
  // A job asked for with a personal access token runs as that request did: every audit
  // event it records carries the token's id (a job exists only because its scope allowed it).
  // The id of the request that asked for it goes on every log line of the job.
  const row = claimed.row as { token_id?: unknown; request_id?: unknown } | null;
  const context: RequestContext = {};
  if (typeof row?.token_id === "string") {
    context.credential = { kind: "token", tokenId: row.token_id, scope: "export" };
  }
  if (isRequestId(row?.request_id)) context.requestId = row.request_id;
  const fields = { job_id: jobId, type: definition.name, attempt: claimed.attempt, request_id: context.requestId };
  const started = Date.now();
  log.info("job started", fields);
  const outcome = await runWithRequestContext(context, () => runClaimed(definition, jobId, claimed, options, fields));
  log.info("job finished", { ...fields, outcome, ms: Date.now() - started });
  return outcome;
}

async function runClaimed<P>(
  definition: JobDefinition<P>,
  jobId: string,
  claimed: ClaimedRow,
  options: RunJobOptions,
  fields: Record<string, unknown>,
): Promise<RunOutcome> {
  const attempt: Attempt = { id: claimed.id, attempt: claimed.attempt };
  const started = Date.now();
  const failFor = async (payload: P | null, message: string, done: number): Promise<RunOutcome> => {
    // The row and the definition's record of the failure say the same count.
    const job = { ...attempt, payload };
    const report = (processed: number) => ({
      message,
      attempt: attempt.attempt,
      processed,
      durationMs: Date.now() - started,
    });
    const record = definition.recordFailure;
    const processed = await failJob(
      definition.table,
      attempt,
      message,
      done,
      record && ((db, count) => record(job, report(count), db)),
    ).catch(async (error: unknown) => {
      // The record could not be written (the failure's transaction rolled back): the job
      // still fails now, in its own words, and its clean-up still runs.
      log.error("the record of a failed job was not written", { ...fields, error });
      return failJob(definition.table, attempt, message, done);
    });
    if (processed === null) return "stopped";
    await definition.onFailed?.(job, report(processed));
    return "failed";
  };

  const parsed = definition.payload.safeParse(claimed.row);
  if (!parsed.success) {
    log.error("job row cannot be read", { ...fields, issues: parsed.error.issues });
    return failFor(null, "job.error.unreadable", 0);
  }
  const payload = parsed.data;
  const {
    shutdown,
    graceMs = config.jobs.shutdownGraceMs,
    heartbeatMs = config.jobs.heartbeatMs,
    maxAttempts = config.jobs.maxAttempts,
    retryDelaySeconds = 5,
  } = options;

  const stop = new AbortController();
  let processed = 0;
  let total = claimed.totalRows;
  let completed: boolean | null = null;

  const beat = async (): Promise<void> => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = processed > 0 && elapsed > 0 ? processed / elapsed : 0;
    const etaSeconds = rate > 0 && total !== null ? Math.max(0, Math.ceil((total - processed) / rate)) : null;
    const owned = await reportProgress(definition.table, attempt, { processed, total, etaSeconds });
    if (!owned) stop.abort(new StopJob("lost"));
  };
  let beating = false;
  const timer = setInterval(() => {
    if (beating || stop.signal.aborted) return;
    beating = true;
    beat()
      .catch((error: unknown) => log.error("job progress not written", { ...fields, error }))
      .finally(() => (beating = false));
  }, heartbeatMs);
  let graceTimer: NodeJS.Timeout | undefined;
  const onShutdown = () => {
    graceTimer = setTimeout(() => stop.abort(new StopJob("shutdown")), graceMs);
  };
  if (shutdown?.aborted) onShutdown();
  else shutdown?.addEventListener("abort", onShutdown, { once: true });

  const helpers: JobHelpers = {
    job: attempt,
    signal: stop.signal,
    progress(done, all) {
      processed = done;
      if (all !== undefined) total = all;
    },
    beat,
    complete: async (columns = {}, alongside) =>
      (completed = await completeJob(definition.table, attempt, columns, alongside)),
    update: (columns) => updateJob(definition.table, attempt, columns),
  };

  try {
    await definition.run(payload, helpers);
    completed ??= await completeJob(definition.table, attempt);
    return completed ? "completed" : "stopped";
  } catch (error) {
    const reason: unknown = stop.signal.reason;
    if (reason instanceof StopJob && reason.why === "lost") return "stopped";
    if (reason instanceof StopJob && reason.why === "shutdown") {
      const released = await releaseJob(definition.table, definition.name, attempt, { countAttempt: false });
      return released ? "released" : "stopped";
    }
    if (error instanceof JobFailure) return failFor(payload, error.messageKey, processed);
    if (attempt.attempt < maxAttempts) {
      log.error("job attempt failed; it will run again", { ...fields, error });
      const released = await releaseJob(definition.table, definition.name, attempt, {
        countAttempt: true,
        delaySeconds: retryDelaySeconds,
      });
      return released ? "retrying" : "stopped";
    }
    log.error("job failed on its last attempt", { ...fields, error });
    return failFor(payload, definition.describeFailure?.(error) ?? "job.error.unexpected", processed);
  } finally {
    clearInterval(timer);
    clearTimeout(graceTimer);
    shutdown?.removeEventListener("abort", onShutdown);
    if (!stop.signal.aborted) stop.abort(new StopJob("lost"));
  }
}
