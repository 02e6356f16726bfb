// Work that runs on a clock rather than on request. Two kinds:
//  - `cron`: a cron expression in a time zone (the daily cleanup). Every process may start
//    the same ones: pg-boss keeps one schedule per name and sends one message per tick,
//    which one process takes.
//  - `everySeconds`: a short interval that runs in every process (the clock of scheduled
//    exports, whose own claim in the database makes each slot run once). Runs never overlap
//    in one process; stop() ends the timers.
import type PgBoss from "pg-boss";
import { ensureQueue } from "./queue";

export type ScheduleTrigger = "startup" | "schedule";

export type ScheduledTask = {
  name: string;
  /** Also run once when the process starts (a cleanup that should not wait for its hour). */
  runAtStart: boolean;
  run(trigger: ScheduleTrigger): Promise<void>;
} & ({ cron: string; timeZone: string } | { everySeconds: number });

const globalForTimers = globalThis as unknown as { outportScheduleTimers?: Set<NodeJS.Timeout> };

function timers(): Set<NodeJS.Timeout> {
  globalForTimers.outportScheduleTimers ??= new Set();
  return globalForTimers.outportScheduleTimers;
}

/** Starts an interval task; the run at start, if any, goes through the same guard (runs never overlap). */
async function startInterval(task: ScheduledTask & { everySeconds: number }, log: (line: string) => void) {
  let running: Promise<void> | null = null;
  const tick = (trigger: ScheduleTrigger) => {
    running ??= task
      .run(trigger)
      .catch((error: unknown) => log(`${task.name} failed: ${String(error)}`))
      .finally(() => (running = null));
    return running;
  };
  const timer = setInterval(() => void tick("schedule"), task.everySeconds * 1000);
  timer.unref();
  timers().add(timer);
  if (task.runAtStart) await tick("startup");
}

export async function startSchedules(
  tasks: readonly ScheduledTask[],
  log: (line: string) => void = console.log,
): Promise<void> {
  for (const task of tasks) {
    if ("everySeconds" in task) {
      await startInterval(task, log);
      continue;
    }
    const boss: PgBoss = await ensureQueue(task.name, { policy: "singleton", retryLimit: 1, expireInSeconds: 60 * 60 });
    await boss.schedule(task.name, task.cron, { trigger: "schedule" }, { tz: task.timeZone });
    await boss.work(task.name, { batchSize: 1, pollingIntervalSeconds: 30 }, async () => {
      await task.run("schedule");
    });
    if (task.runAtStart) {
      // Not awaited by the caller's workers: the first run may take a while on a big folder.
      await task.run("startup").catch((error: unknown) => log(`${task.name} at start failed: ${String(error)}`));
    }
  }
}

/** Stops the interval tasks of this process (the cron ones stop with pg-boss). */
export function stopSchedules(): void {
  for (const timer of timers()) clearInterval(timer);
  timers().clear();
}
