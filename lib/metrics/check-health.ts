// What /api/health answers: whether the database and the export store work now, how many
// jobs of each type wait and run, and which worker processes are live. Only counts, names
// of parts and host/pid of workers leave: never a path, a URL or an error's text.
import { config } from "../config";
import { pgPool } from "../data/pg";
import { exportStore, type ExportStore } from "../files/export-store";
import { JOB_TYPES } from "../job-types";
import { countQueuedJobs, type QueueDepth } from "../jobs/job-table";
import { liveWorkerProcesses } from "../jobs/worker-registry";
import { log } from "../log";

type PartStatus = "ok" | "error" | "unknown";
export type JobType = keyof typeof JOB_TYPES;

export type Health = {
  status: "ok" | "error";
  /** The parts that failed (what a 503 is for). */
  failing: Array<"database" | "storage">;
  database: { status: "ok" | "error"; ms: number };
  storage: { status: PartStatus; kind: "local" | "s3"; ms: number };
  queue: (QueueDepth & { by_type: Record<JobType, QueueDepth> }) | null;
  workers: {
    live: number;
    processes: Array<{ host: string; pid: number; job_types: string[]; concurrency: number; last_seen: string }>;
  } | null;
};

async function timed(part: string, work: () => Promise<unknown>): Promise<{ ok: boolean; ms: number }> {
  const started = performance.now();
  try {
    await work();
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (error) {
    log.warn("health check failed", { part, reason: error instanceof Error ? error.message : String(error) });
    return { ok: false, ms: Math.round(performance.now() - started) };
  }
}

/** The depth of every job type's queue, from its table. */
export async function queueDepths(): Promise<Record<JobType, QueueDepth>> {
  const entries = await Promise.all(
    (Object.keys(JOB_TYPES) as JobType[]).map(
      async (type) => [type, await countQueuedJobs(JOB_TYPES[type].table)] as const,
    ),
  );
  return Object.fromEntries(entries) as Record<JobType, QueueDepth>;
}

export async function checkHealth(store: ExportStore = exportStore()): Promise<Health> {
  const [database, storageCheck] = await Promise.all([
    timed("database", () => pgPool().query("SELECT 1")),
    store.probe ? timed("storage", () => store.probe!()) : Promise.resolve(null),
  ]);
  const kind = store.kind;
  const storage: Health["storage"] = storageCheck
    ? { status: storageCheck.ok ? "ok" : "error", kind, ms: storageCheck.ms }
    : { status: "unknown", kind, ms: 0 };
  let queue: Health["queue"] = null;
  let workers: Health["workers"] = null;
  if (database.ok) {
    try {
      const [byType, processes] = await Promise.all([queueDepths(), liveWorkerProcesses(config.jobs.leaseSeconds)]);
      const depths = Object.values(byType);
      queue = {
        pending: depths.reduce((sum, depth) => sum + depth.pending, 0),
        processing: depths.reduce((sum, depth) => sum + depth.processing, 0),
        by_type: byType,
      };
      workers = {
        live: processes.length,
        processes: processes.map((p) => ({
          host: p.host,
          pid: p.pid,
          job_types: p.jobTypes,
          concurrency: p.concurrency,
          last_seen: p.lastSeen.toISOString(),
        })),
      };
    } catch (error) {
      log.warn("health: queue or workers not read", { reason: error instanceof Error ? error.message : String(error) });
    }
  }
  const failing: Health["failing"] = [];
  if (!database.ok) failing.push("database");
  if (storage.status === "error") failing.push("storage");
  return {
    status: failing.length === 0 ? "ok" : "error",
    failing,
    database: { status: database.ok ? "ok" : "error", ms: database.ms },
    storage,
    queue,
    workers,
  };
}
