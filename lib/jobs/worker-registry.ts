// The worker processes running now, in `worker_processes` (this file owns the table). Each
// worker registers a row when it starts, heartbeats it on a timer of its own (never in a
// job's path), and deletes it when it stops gracefully. A process that died leaves its row
// behind: a row whose heartbeat is older than three leases is not live, and is removed by
// the next worker that registers.
import { randomUUID } from "node:crypto";
import os from "node:os";
import { pgPool } from "../data/pg";

/** How many leases a heartbeat may be old before its process counts as gone. */
export const LIVE_LEASES = 3;

export type WorkerProcess = {
  host: string;
  pid: number;
  jobTypes: string[];
  concurrency: number;
  startedAt: Date;
  lastSeen: Date;
};

export type RegisteredWorker = { id: string; stop: () => Promise<void> };

/**
 * Registers this process's worker and heartbeats it every `heartbeatMs` until stop().
 * A database that does not answer a heartbeat is tried again on the next tick.
 */
export async function registerWorkerProcess(
  jobTypes: readonly string[],
  concurrency: number,
  leaseSeconds: number,
  heartbeatMs = Math.max(1000, Math.floor((leaseSeconds * 1000) / 3)),
): Promise<RegisteredWorker> {
  const id = randomUUID();
  const pool = pgPool();
  await pool.query(`DELETE FROM worker_processes WHERE heartbeat_at < now() - make_interval(secs => $1)`, [
    leaseSeconds * LIVE_LEASES,
  ]);
  await pool.query(`INSERT INTO worker_processes (id, pid, host, job_types, concurrency) VALUES ($1, $2, $3, $4, $5)`, [
    id,
    process.pid,
    os.hostname(),
    [...jobTypes],
    concurrency,
  ]);
  let beating: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (beating) return;
    beating = pool
      .query(`UPDATE worker_processes SET heartbeat_at = now() WHERE id = $1`, [id])
      .catch(() => {})
      .finally(() => (beating = null));
  }, heartbeatMs);
  timer.unref();
  return {
    id,
    stop: async () => {
      clearInterval(timer);
      await beating;
      await pool.query(`DELETE FROM worker_processes WHERE id = $1`, [id]).catch(() => {});
    },
  };
}

/** The processes whose heartbeat is recent enough to be live, newest first. */
export async function liveWorkerProcesses(leaseSeconds: number): Promise<WorkerProcess[]> {
  const { rows } = await pgPool().query<{
    host: string;
    pid: number;
    job_types: string[];
    concurrency: number;
    started_at: Date;
    heartbeat_at: Date;
  }>(
    `SELECT host, pid, job_types, concurrency, started_at, heartbeat_at FROM worker_processes
      WHERE heartbeat_at >= now() - make_interval(secs => $1)
      ORDER BY started_at DESC`,
    [leaseSeconds * LIVE_LEASES],
  );
  return rows.map((row) => ({
    host: row.host,
    pid: row.pid,
    jobTypes: row.job_types,
    concurrency: row.concurrency,
    startedAt: row.started_at,
    lastSeen: row.heartbeat_at,
  }));
}
