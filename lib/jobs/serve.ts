// Workers as part of a process's life: started with the process (inside the web server,
// or alone with `npm run worker`) for the job types and schedules it is given, and
// stopped gracefully on SIGTERM/SIGINT — stop claiming, let running jobs finish within
// the grace period or hand them back — before it exits.
import { closePgPool, isConnectionLoss } from "../data/pg";
import { disconnectPrisma } from "../data/prisma";
import type { JobDefinition } from "./job-definition";
import { stopJobQueue } from "./queue";
import { startSchedules, stopSchedules, type ScheduledTask } from "./schedules";
import { startWorker, type Worker, type WorkerOptions } from "./worker";

const globalForServe = globalThis as unknown as { outportWorkers?: Promise<Worker> };

export type ServeOptions = WorkerOptions & {
  jobTypes: ReadonlyArray<JobDefinition<unknown>>;
  schedules: readonly ScheduledTask[];
  /** Install SIGTERM/SIGINT handlers that stop the workers and then exit the process. */
  exitOnSignal: boolean;
  log?: (line: string) => void;
};

export function serveJobs(options: ServeOptions): Promise<Worker> {
  globalForServe.outportWorkers ??= start(options);
  return globalForServe.outportWorkers;
}

/**
 * The job queue's own bookkeeping (acknowledging a message after its handler ran) can fail
 * while the database restarts, out of reach of any caller: such a rejection is logged, and
 * the workers carry on (the job rows and their leases keep the truth). Any other unhandled
 * rejection is a bug and still ends the process.
 */
function surviveDatabaseRestarts(log: (line: string) => void): void {
  const onRejection = (reason: unknown) => {
    if (isConnectionLoss(reason)) {
      log(`the database connection was lost (${String((reason as Error).message)}); carrying on`);
      return;
    }
    process.off("unhandledRejection", onRejection);
    throw reason;
  };
  process.on("unhandledRejection", onRejection);
}

async function start({ jobTypes, schedules, exitOnSignal, log = console.log, ...workerOptions }: ServeOptions) {
  surviveDatabaseRestarts(log);
  // Each job's start and outcome are logged by the runtime (lib/jobs/run-job.ts).
  const worker = await startWorker(jobTypes, workerOptions);
  const names = jobTypes.map((definition) => definition.name).join(", ");
  log(`Workers running: ${names} (${workerOptions.concurrency ?? "default"} at once each, pid ${process.pid}).`);
  // Not awaited: a first cleanup may take a while on a big folder; workers need not wait.
  void startSchedules(schedules, log).catch((error: unknown) => console.error("The schedules did not start:", error));
  if (!exitOnSignal) return worker;

  let exiting = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (exiting) return;
    exiting = true;
    log(`${signal}: workers stop taking jobs; running ones finish or are handed back.`);
    void (async () => {
      try {
        stopSchedules();
        await worker.stop();
        await stopJobQueue({ graceful: true, timeout: 2000 });
        await Promise.allSettled([disconnectPrisma(), closePgPool()]);
      } catch (error) {
        console.error("Workers did not stop cleanly:", error);
      } finally {
        process.exit(signal === "SIGINT" ? 130 : 143);
      }
    })();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return worker;
}
