// Workers in this process poll the queue; a job created here wakes them at once instead
// of waiting for the next poll. Workers in other processes find it on their next poll.
import type PgBoss from "pg-boss";

type LocalWorkers = { boss: PgBoss; ids: Set<string> };

const globalForWake = globalThis as unknown as { outportLocalWorkers?: LocalWorkers };

export function registerLocalWorker(boss: PgBoss, id: string): void {
  const current = globalForWake.outportLocalWorkers;
  if (current && current.boss === boss) current.ids.add(id);
  else globalForWake.outportLocalWorkers = { boss, ids: new Set([id]) };
}

export function unregisterLocalWorkers(): void {
  globalForWake.outportLocalWorkers = undefined;
}

export function nudgeLocalWorkers(): void {
  const local = globalForWake.outportLocalWorkers;
  if (!local) return;
  for (const id of local.ids) local.boss.notifyWorker(id);
}
