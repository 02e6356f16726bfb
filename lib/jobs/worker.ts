// The export worker: `concurrency` pg-boss consumers of the export queue, and a reaper
// that hands the jobs of dead workers back to the queue once their lease has run out.
// stop() stops claiming, gives running jobs the grace period to finish, hands back the
// rest, and resolves when nothing is running.
import { config } from "../config";
import { jobQueue, EXPORT_QUEUE, ZExportMessageSchema } from "./queue";
import { runJob, type RunJobOptions } from "./run-job";
import { reapJobs } from "./store";
import { nudgeLocalWorkers, registerLocalWorker, unregisterLocalWorkers } from "./wake";

export type WorkerOptions = Omit<RunJobOptions, "shutdown"> & {
  concurrency?: number;
  leaseSeconds?: number;
  pollMs?: number;
  /** Called after each job with what became of it (logging, tests). */
  onOutcome?: (jobId: string, outcome: string) => void;
};

export type ExportWorker = { stop: () => Promise<void>; reap: () => Promise<void> };

export async function startExportWorker(options: WorkerOptions = {}): Promise<ExportWorker> {
  const {
    concurrency = config.jobs.workerConcurrency,
    leaseSeconds = config.jobs.leaseSeconds,
    pollMs = config.jobs.pollMs,
    maxAttempts = config.jobs.maxAttempts,
    onOutcome,
    ...runOptions
  } = options;
  const boss = await jobQueue();
  const shutdown = new AbortController();
  const running = new Set<Promise<unknown>>();

  const handle = async (jobs: Array<{ data: unknown }>) => {
    for (const message of jobs) {
      const parsed = ZExportMessageSchema.safeParse(message.data);
      if (!parsed.success) {
        console.error("export queue: a message that is not an export job was dropped:", message.data);
        continue;
      }
      const { jobId } = parsed.data;
      const work = runJob(jobId, { ...runOptions, maxAttempts, shutdown: shutdown.signal });
      running.add(work);
      try {
        onOutcome?.(jobId, await work);
      } finally {
        running.delete(work);
      }
    }
    // pg-boss waits a polling interval after every message, even with more waiting; a
    // nudge makes the next fetch immediate, so a queue drains as fast as jobs finish.
    if (!shutdown.signal.aborted) nudgeLocalWorkers();
  };

  const ids: string[] = [];
  for (let i = 0; i < concurrency; i++) {
    const id = await boss.work(EXPORT_QUEUE, { batchSize: 1, pollingIntervalSeconds: pollMs / 1000 }, handle);
    ids.push(id);
    registerLocalWorker(boss, id);
  }

  let reaping: Promise<void> | null = null;
  const reap = async () => {
    if (reaping) return reaping;
    reaping = reapJobs(leaseSeconds, maxAttempts)
      .then((result) => {
        const moved = result.requeued.length + result.failed.length + result.redispatched.length;
        if (moved > 0) console.warn("export jobs of stopped workers:", result);
      })
      .catch((error: unknown) => console.error("export job reaper:", error))
      .finally(() => (reaping = null));
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
      await Promise.all(ids.map((id) => boss.offWork({ id })));
      shutdown.abort();
      await Promise.allSettled([...running]);
      await reaping;
    })();
    return stopping;
  };
  return { stop, reap };
}
