// Work that runs on a clock rather than on request (the daily cleanup, scheduled
// exports): a name, a cron expression in a time zone, and the work. Every process may
// start the same schedules: pg-boss keeps one schedule per name and sends one message per
// tick, which one process takes.
import type PgBoss from "pg-boss";
import { ensureQueue } from "./queue";

export type ScheduleTrigger = "startup" | "schedule";

export type ScheduledTask = {
  name: string;
  cron: string;
  timeZone: string;
  /** Also run once when the process starts (a cleanup that should not wait for its hour). */
  runAtStart: boolean;
  run(trigger: ScheduleTrigger): Promise<void>;
};

export async function startSchedules(
  tasks: readonly ScheduledTask[],
  log: (line: string) => void = console.log,
): Promise<void> {
  for (const task of tasks) {
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
