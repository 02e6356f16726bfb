// A worker: `concurrency` pg-boss consumers of each job type's queue, and a reaper that
// hands the jobs of dead workers back to their queue once their lease has run out.
// stop() stops claiming, gives running jobs the grace period to finish, hands back the
// rest, and resolves when nothing is running.
import { config } from "../config";
import type { JobDefinition } from "./job-definition";
import { reapJobs, WORKER_LOST, type LostJob } from "./job-table";
import { ensureQueue, ZJobMessageSchema } from "./queue";
import { runJob, type RunJobOptions, type RunOutcome } from "./run-job";
import { nudgeLocalWorkers, registerLocalWorker, unregisterLocalWorkers } from "./wake";
import { registerWorkerProcess } from "./worker-registry";
import { log } from "../log";

export type WorkerOptions = Omit<RunJobOptions, "shutdown"> & {
  /** Jobs of each type run at once. */
  concurrency?: number;
  leaseSeconds?: number;
  pollMs?: number;
  /** Called after each job with what became of it (logging, tests). */
  onOutcome?: (jobId: string, outcome: RunOutcome, type: string) => void;
};

export type Worker = { stop: () => Promise<void>; reap: () => Promise<void> };

/** A job that failed for good because its workers kept dying, as its definition hears of it. */
function lostReport(definition: JobDefinition<unknown>, job: LostJob) {
  const payload = definition.payload.safeParse(job.row);
  return {
    job: { id: job.id, attempt: job.attempt, payload: payload.success ? payload.data : null },
    failure: {
      message: WORKER_LOST,
      attempt: job.attempt,
      processed: job.processed,
      durationMs: job.startedAt ? Date.now() - new Date(job.startedAt).getTime() : 0,
    },
  };
}

export async function startWorker(
  definitions: ReadonlyArray<JobDefinition<unknown>>,
  options: WorkerOptions = {},
): Promise<Worker> {
  const {
    concurrency = config.jobs.workerConcurrency,
    leaseSeconds = config.jobs.leaseSeconds,
    pollMs = config.jobs.pollMs,
    maxAttempts = config.jobs.maxAttempts,
    onOutcome,
    ...runOptions
  } = options;
  // Seen by /api/health and the metrics as a live worker while it heartbeats. Registered
  // before the first job can be claimed, so nothing is awaited once consumers run.
  const registration = await registerWorkerProcess(
    definitions.map((definition) => definition.name),
    concurrency,
    leaseSeconds,
  );
  const shutdown = new AbortController();
  const running = new Set<Promise<unknown>>();
  const consumers: Array<{ boss: Awaited<ReturnType<typeof ensureQueue>>; id: string }> = [];

  for (const definition of definitions) {
    const boss = await ensureQueue(definition.name);
    const handle = async (messages: Array<{ data: unknown }>) => {
      for (const message of messages) {
        const parsed = ZJobMessageSchema.safeParse(message.data);
        if (!parsed.success) {
          log.error("a queue message that is not a job was dropped", { type: definition.name });
          continue;
        }
        const { jobId } = parsed.data;
        const work = runJob(definition, jobId, { ...runOptions, maxAttempts, shutdown: shutdown.signal });
        running.add(work);
        try {
          // Awaited apart from the call: `onOutcome?.(…)` skips its arguments when unset.
          const outcome = await work;
          onOutcome?.(jobId, outcome, definition.name);
        } catch (error) {
          // The runtime could not even record what became of the attempt (the database went
          // away mid-job): the row stays the attempt's, and once its lease runs out the
          // reaper hands it back. The message is not failed here, so pg-boss is not asked
          // to write to a database that is not there.
          console.error(`${definition.name} job ${jobId}: its outcome could not be recorded:`, String(error));
        } finally {
          running.delete(work);
        }
      }
      // pg-boss waits a polling interval after every message, even with more waiting; a
      // nudge makes the next fetch immediate, so a queue drains as fast as jobs finish.
      if (!shutdown.signal.aborted) nudgeLocalWorkers(definition.name);
    };
    for (let i = 0; i < concurrency; i++) {
      const id = await boss.work(definition.name, { batchSize: 1, pollingIntervalSeconds: pollMs / 1000 }, handle);
      consumers.push({ boss, id });
      registerLocalWorker(boss, definition.name, id);
    }
  }

  let reaping: Promise<void> | null = null;
  // A pass asked for while one runs waits for it and makes its own: the running pass may
  // have read the rows before what the caller wants reaped went stale.
  const reap = async (): Promise<void> => {
    while (reaping) await reaping;
    reaping = (async () => {
      for (const definition of definitions) {
        try {
          const record = definition.recordFailure;
          const result = await reapJobs(
            definition.table,
            definition.name,
            leaseSeconds,
            maxAttempts,
            record &&
              ((db, job) => {
                const { job: lost, failure } = lostReport(definition, job);
                return record(lost, failure, db);
              }),
          );
          const moved =
            result.requeued.length + result.failed.length + result.redispatched.length + result.endedMessages;
          if (moved > 0) {
            const failed = result.failed.map((job) => job.id);
            log.warn("jobs of stopped workers moved", {
              type: definition.name,
              requeued: result.requeued,
              redispatched: result.redispatched,
              failed,
              ended_messages: result.endedMessages,
            });
          }
          for (const job of result.failed) {
            const { job: lost, failure } = lostReport(definition, job);
            await definition.onFailed?.(lost, failure);
          }
        } catch (error) {
          log.error("job reaper failed", { type: definition.name, error });
        }
      }
    })().finally(() => (reaping = null));
    return reaping;
  };
  // Often enough that a dead worker's job restarts soon after its lease runs out.
  const reaper = setInterval(() => void reap(), Math.max(1000, Math.floor((leaseSeconds * 1000) / 3)));
  reaper.unref();
  void reap();

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(reaper);
      unregisterLocalWorkers();
      await Promise.all(consumers.map(({ boss, id }) => boss.offWork({ id })));
      shutdown.abort();
      await Promise.allSettled([...running]);
      await reaping;
      await registration.stop();
    })();
    return stopping;
  };
  return { stop, reap };
}
