// Workers in this process poll their queues; a job created here wakes them at once
// instead of waiting for the next poll. Workers in other processes find it on their next poll.
import type PgBoss from "pg-boss";

type LocalWorkers = { boss: PgBoss; ids: Map<string, Set<string>> };

const globalForWake = globalThis as unknown as { outportLocalWorkers?: LocalWorkers };

export function registerLocalWorker(boss: PgBoss, queue: string, id: string): void {
  let local = globalForWake.outportLocalWorkers;
  if (!local || local.boss !== boss) local = globalForWake.outportLocalWorkers = { boss, ids: new Map() };
  const ids = local.ids.get(queue) ?? new Set<string>();
  ids.add(id);
  local.ids.set(queue, ids);
}

export function unregisterLocalWorkers(): void {
  globalForWake.outportLocalWorkers = undefined;
}

/** Wakes this process's workers of a queue (or of every queue). */
export function nudgeLocalWorkers(queue?: string): void {
  const local = globalForWake.outportLocalWorkers;
  if (!local) return;
  for (const [name, ids] of local.ids) {
    if (queue === undefined || name === queue) for (const id of ids) local.boss.notifyWorker(id);
  }
}
