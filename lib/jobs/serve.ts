// Workers as part of a process's life: started with the process (inside the web server,
// or alone with `npm run worker`) together with the retention cleanup, stopped gracefully on SIGTERM/SIGINT — stop claiming,
// let running jobs finish within the grace period or hand them back — before it exits.
import { closePgPool } from "../data/pg";
import { disconnectPrisma } from "../data/prisma";
import { jobQueue, stopJobQueue } from "./queue";
import { startRetention } from "./retention";
import { startExportWorker, type WorkerOptions } from "./worker";

const globalForServe = globalThis as unknown as { outportWorkers?: Promise<unknown> };

export type ServeOptions = WorkerOptions & {
  /** Install SIGTERM/SIGINT handlers that stop the workers and then exit the process. */
  exitOnSignal: boolean;
  log?: (line: string) => void;
};

export function serveExportWorkers(options: ServeOptions): Promise<unknown> {
  globalForServe.outportWorkers ??= start(options);
  return globalForServe.outportWorkers;
}

async function start({ exitOnSignal, log = console.log, ...workerOptions }: ServeOptions) {
  const worker = await startExportWorker({
    onOutcome: (jobId, outcome) => {
      if (outcome !== "not_claimed") log(`export job ${jobId}: ${outcome}`);
    },
    ...workerOptions,
  });
  log(`Export workers running (${workerOptions.concurrency ?? "default"} at once, pid ${process.pid}).`);
  // Not awaited: the first cleanup may take a while on a big folder; workers need not wait.
  void jobQueue()
    .then((boss) => startRetention(boss, log))
    .catch((error: unknown) => console.error("The retention cleanup did not start:", error));
  if (!exitOnSignal) return worker;

  let exiting = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (exiting) return;
    exiting = true;
    log(`${signal}: export workers stop taking jobs; running ones finish or are handed back.`);
    void (async () => {
      try {
        await worker.stop();
        await stopJobQueue({ graceful: true, timeout: 2000 });
        await Promise.allSettled([disconnectPrisma(), closePgPool()]);
      } catch (error) {
        console.error("Export workers did not stop cleanly:", error);
      } finally {
        process.exit(signal === "SIGINT" ? 130 : 143);
      }
    })();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return worker;
}
