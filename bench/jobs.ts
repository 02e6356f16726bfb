// `npm run bench:jobs` – the background job system, printed as tables.
//  1. 10 Excel jobs × 15,000 rows queued at once, run by `npm run worker` processes:
//     time until all are complete, each job's time, and the workers' peak RSS.
//     `-- --workers=N --concurrency=C` (default 1 process × 2, the default deployment).
//  2. Job creation: 50 users each POST /api/export/async at the same moment against the
//     built app (port 3201, workers off so only creation is measured), three rounds, and
//     the same burst through lib/exports in process: p50/p95/p99. The same bursts against
//     GET /api/health show the floor: what any request costs on this server and machine.
// Uses the embedded database under var/ (or DATABASE_URL); adds a 15,000-row dataset once.
// Jobs and files it creates are removed afterwards. Needs a current build (npm run build).
import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import path from "node:path";
import { loadActiveUser } from "../lib/auth/current-user";
import { config, varDir } from "../lib/config";
import { openDatabase } from "../lib/data/bootstrap";
import { closePgPool, pgPool } from "../lib/data/pg";
import { disconnectPrisma, prisma } from "../lib/data/prisma";
import { isDatabaseEmpty, seedDemoData } from "../lib/data/seed/seed";
import { requestExport } from "../lib/exports/request-export";
import { stopJobQueue } from "../lib/jobs/queue";
import { ensureBenchDataset } from "./bench-dataset";
import { processTreeRssMb, request, startApp } from "./support";

const log = (line: string) => console.log(`[bench] ${line}`);
const arg = (name: string, fallback: number) => {
  const value = process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  return value ? Number(value) : fallback;
};
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const WORKERS = arg("workers", 1);
const CONCURRENCY = arg("concurrency", 2);
const JOBS = 10;
const ROWS = 15_000;
const exportDir = path.join(varDir(), "bench-exports");

function startWorker(url: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      DATABASE_URL: url,
      OUTPORT_EXPORT_DIR: exportDir,
      OUTPORT_WORKER_CONCURRENCY: String(CONCURRENCY),
    },
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Workers running")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`a worker exited with ${code} before it started`)));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function concurrentExcelJobs(url: string, datasetId: number, adminId: number) {
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(url)));
  const admin = await loadActiveUser(adminId);
  if (!admin) throw new Error("no admin");
  // One user queues all ten: the per-user limits are lifted for this run.
  config.export.activeJobsPerUser = 1000;
  const peak = new Map<number, number>();
  const sample = () => {
    for (const w of workers) if (w.pid) peak.set(w.pid, Math.max(peak.get(w.pid) ?? 0, processTreeRssMb(w.pid)));
  };
  const sampler = setInterval(sample, 100);
  const started = performance.now();
  const ids = await Promise.all(
    Array.from({ length: JOBS }, async () => {
      const result = await requestExport(
        { user: admin, ip: null },
        { datasetId, format: "excel", options: () => ({}) },
        "job",
      );
      if (result.delivery !== "job") throw new Error("not queued");
      return result.job.id;
    }),
  );
  let done: Array<{ id: string; status: string; seconds: number; size: number }> = [];
  for (;;) {
    const { rows } = await pgPool().query<{ id: string; status: string; seconds: number; file_size: string | null }>(
      `SELECT id, status, EXTRACT(EPOCH FROM (finished_at - created_at))::float AS seconds, file_size
         FROM export_jobs WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    if (rows.every((r) => ["completed", "failed", "cancelled"].includes(r.status))) {
      done = rows.map((r) => ({ id: r.id, status: r.status, seconds: r.seconds, size: Number(r.file_size ?? 0) }));
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const total = (performance.now() - started) / 1000;
  clearInterval(sampler);
  sample();
  await Promise.all(
    workers.map(async (w) => {
      w.kill("SIGTERM");
      await new Promise((r) => (w.exitCode !== null ? r(null) : w.once("exit", r)));
    }),
  );
  await deleteJobs("id = ANY($1::uuid[])", [ids]);
  await pgPool().query("DELETE FROM audit_events WHERE target_id = ANY($1::text[])", [ids]);
  rmSync(exportDir, { recursive: true, force: true });
  return { total, done, peakRss: [...peak.values()] };
}

/** Removes benchmark jobs with their queue messages, so later runs find no stale ones. */
async function deleteJobs(where: string, values: unknown[]): Promise<void> {
  const { rows } = await pgPool().query<{ id: string }>(`DELETE FROM export_jobs WHERE ${where} RETURNING id`, values);
  await pgPool().query("DELETE FROM pgboss.job WHERE name = 'export' AND data->>'jobId' = ANY($1::text[])", [
    rows.map((r) => r.id),
  ]);
}

/** 50 throw-away admins: a burst of 50 jobs from one user is refused by design (3 active). */
async function withBenchUsers<T>(count: number, work: (ids: number[]) => Promise<T>): Promise<T> {
  const { rows } = await pgPool().query<{ id: number }>(
    `INSERT INTO users (email, name, password_hash, role, active, updated_at)
     SELECT 'bench-' || n || '-' || $2 || '@outport.invalid', 'Bench user ' || n, '!', 'admin', true, now()
       FROM generate_series(1, $1) AS n RETURNING id`,
    [count, process.pid],
  );
  const ids = rows.map((r) => r.id);
  try {
    return await work(ids);
  } finally {
    await deleteJobs("user_id = ANY($1::int[])", [ids]);
    await pgPool().query("DELETE FROM audit_events WHERE actor_id = ANY($1::int[])", [ids]);
    await pgPool().query("DELETE FROM rate_limits WHERE key = ANY($1::text[])", [ids.map((id) => `export:${id}`)]);
    await pgPool().query("DELETE FROM users WHERE id = ANY($1::int[])", [ids]);
  }
}

const BURST = 50;
const ROUNDS = 3;

/** Each of 50 users creates one job at the same moment; three rounds after a warm-up. */
async function burstLatencies(
  userIds: number[],
  create: (userId: number) => Promise<void>,
  clear: () => Promise<void>,
): Promise<{ burst: number[]; single: number[] }> {
  const timed = async (userId: number) => {
    const started = performance.now();
    await create(userId);
    return performance.now() - started;
  };
  await Promise.all(userIds.slice(0, 20).map(timed)); // warm-up: compile, connections
  await clear();
  const burst: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    burst.push(...(await Promise.all(userIds.map(timed))));
    await clear(); // back under the per-user limit for the next round
  }
  // The same users one after another: what one person waits when nobody else is creating.
  const single: number[] = [];
  for (let i = 0; i < 100; i++) {
    single.push(await timed(userIds[i % userIds.length] ?? 0));
    if (i % userIds.length === userIds.length - 1) await clear();
  }
  await clear();
  return { burst: burst.sort((a, b) => a - b), single: single.sort((a, b) => a - b) };
}

async function creationOverHttp(url: string, datasetId: number, userIds: number[]) {
  const app = await startApp(3201, url, { OUTPORT_WORKERS: "0" });
  try {
    const cookies = new Map(await Promise.all(userIds.map(async (id) => [id, await app.cookieFor(id)] as const)));
    const clear = async () => {
      await pgPool().query(
        "UPDATE export_jobs SET status = 'cancelled' WHERE user_id = ANY($1::int[]) AND status = 'pending'",
        [userIds],
      );
      await pgPool().query("DELETE FROM rate_limits WHERE key = ANY($1::text[])", [
        userIds.map((id) => `export:${id}`),
      ]);
    };
    // The floor: the same bursts against the cheapest route there is (one SELECT 1).
    const floor = await burstLatencies(
      userIds,
      async () => {
        const response = await request(`${app.base}/api/health`);
        if (response.status !== 200) throw new Error(`health: HTTP ${response.status}`);
      },
      async () => {},
    );
    const create = await burstLatencies(
      userIds,
      async (userId) => {
        const response = await request(`${app.base}/api/export/async`, {
          method: "POST",
          headers: { cookie: cookies.get(userId) ?? "", "content-type": "application/json" },
          body: JSON.stringify({ dataset_id: datasetId, format: "csv" }),
        });
        if (response.status === 404)
          throw new Error("POST /api/export/async is 404: the build is older than the code; run `npm run build`.");
        if (response.status !== 202) throw new Error(`HTTP ${response.status}: ${response.body}`);
      },
      clear,
    );
    return { create, floor };
  } finally {
    await app.stop();
  }
}

async function creationInProcess(datasetId: number, userIds: number[]) {
  const users = new Map(await Promise.all(userIds.map(async (id) => [id, await loadActiveUser(id)] as const)));
  return burstLatencies(
    userIds,
    async (userId) => {
      const user = users.get(userId);
      if (!user) throw new Error("bench user missing");
      await requestExport({ user, ip: null }, { datasetId, format: "csv", options: () => ({}) }, "job");
    },
    async () => {
      await pgPool().query(
        "UPDATE export_jobs SET status = 'cancelled' WHERE user_id = ANY($1::int[]) AND status = 'pending'",
        [userIds],
      );
    },
  );
}

function latencyRow(label: string, load: string, samples: number[]): string {
  return `| ${label} | ${load} | ${[50, 95, 99, 100].map((p) => percentile(samples, p).toFixed(1)).join(" | ")} |`;
}

// The bench creates far more jobs a minute than a person may: the per-minute limit is
// lifted in this process (the HTTP rounds clear the counters between rounds instead).
config.export.requestsPerMinute = 1_000_000;

const db = await openDatabase(log);
try {
  if (await isDatabaseEmpty(prisma())) await seedDemoData(prisma(), pgPool(), log);
  const datasetId = await ensureBenchDataset(prisma(), pgPool(), log, {
    rows: ROWS,
    title: "Benchmark 15k (10 columns)",
  });
  const adminId = (await prisma().dataset.findUniqueOrThrow({ where: { id: datasetId } })).ownerId;

  if (only.length === 0 || only.includes("excel")) {
    log(`${JOBS} Excel jobs × ${ROWS.toLocaleString("en")} rows on ${WORKERS} worker process(es) × ${CONCURRENCY} …`);
    const { total, done, peakRss } = await concurrentExcelJobs(db.url, datasetId, adminId);
    const times = done.map((d) => d.seconds).sort((a, b) => a - b);
    console.log(
      `\n${JOBS} concurrent Excel jobs × ${ROWS.toLocaleString("en")} rows, ${WORKERS} worker process(es) × ${CONCURRENCY} at once (2 cores):\n`,
    );
    console.log("| all complete s | fastest job s | slowest job s | completed | file MB (each) | worker peak RSS MB |");
    console.log("|---:|---:|---:|---:|---:|---:|");
    console.log(
      `| ${total.toFixed(2)} | ${(times[0] ?? 0).toFixed(2)} | ${(times[times.length - 1] ?? 0).toFixed(2)} | ${done.filter((d) => d.status === "completed").length}/${JOBS} | ${((done[0]?.size ?? 0) / 1e6).toFixed(2)} | ${peakRss.map((mb) => mb.toFixed(0)).join(", ")} |`,
    );
  }

  if (only.length === 0 || only.includes("create")) {
    const q1 = (await prisma().dataset.findFirstOrThrow({ where: { title: "Q1 Sales" } })).id;
    const [http, inProcess] = await withBenchUsers(BURST, async (userIds) => {
      log("Job creation over HTTP (the built app on port 3201, workers off) …");
      const overHttp = await creationOverHttp(db.url, q1, userIds);
      log("Job creation in process (lib/exports, no HTTP) …");
      return [overHttp, await creationInProcess(q1, userIds)];
    });
    console.log(
      `\nCreating a job: a burst (${BURST} users each create one at the same moment, ${ROUNDS} rounds) and one at a time (100):\n`,
    );
    console.log("| path | load | p50 ms | p95 ms | p99 ms | max ms |");
    console.log("|---|---|---:|---:|---:|---:|");
    console.log(latencyRow("POST /api/export/async over HTTP", `burst of ${BURST}`, http.create.burst));
    console.log(latencyRow("POST /api/export/async over HTTP", "one at a time", http.create.single));
    console.log(latencyRow("GET /api/health over HTTP (floor: SELECT 1)", `burst of ${BURST}`, http.floor.burst));
    console.log(latencyRow("GET /api/health over HTTP (floor: SELECT 1)", "one at a time", http.floor.single));
    console.log(latencyRow("requestExport (a job) in process", `burst of ${BURST}`, inProcess.burst));
    console.log(latencyRow("requestExport (a job) in process", "one at a time", inProcess.single));
  }
} finally {
  await stopJobQueue({ graceful: false });
  await disconnectPrisma();
  await closePgPool();
  await db.stop();
}
