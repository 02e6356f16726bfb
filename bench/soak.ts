// `npm run bench:soak` – a steady load on many processes for a while, watching for what
// creeps: 2 web processes and 3 `npm run worker` processes on one PostgreSQL server, S3
// storage (s3rver in this process) or local. Each of 6 users, the whole time: export jobs
// in every format in turn at a fixed rate, direct CSV downloads, downloads of their
// finished jobs (each checked against its SHA-256), and downloads given up after the first
// chunk. Every minute one worker is SIGKILLed and started again (workers 1 and 2 in turn;
// worker 0 is never killed, so its memory is a whole-run figure). Every 10 s it samples each
// process's RSS and open file descriptors, the database's connections, the queue, the jobs
// completed and failed, and the error responses. At the end, once the queue is empty: the
// samples, the drift of memory, descriptors and connections from the first minute to the
// end, every failed job with its error, and every completed file read back from the store
// and hashed. The exit code is 1 on a hard failure (a failed job, a hash mismatch, a 5xx
// or a dropped connection), else 0.
// `-- --minutes=N` (default 10), `-- --storage=local|s3` (default s3),
// `-- --jobs-per-minute=N` per user (default 4). The PostgreSQL server as bench:scale
// (BENCH_DATABASE_URL or TEST_SCALE_DATABASE_URL, else one started for the run). Needs a
// current build (npm run build).
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import http from "node:http";
import { pgPool } from "@/lib/data/pg";
import { EXPORT_FORMATS } from "@/lib/export/formats";
import { LocalExportStore, type ExportStore } from "@/lib/files/export-store";
import { S3ExportStore } from "@/lib/files/s3-export-store";
import { startS3Server, type S3TestServer } from "@/tests/helpers/s3-server";
import { benchPostgresServer, startCluster, workerReady, type Cluster, type ClusterUser } from "./cluster";
import { processTreeRssMb, request } from "./support";

// The SDK's notice about future Node versions, once per process, would fill the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const log = (line: string) => console.log(`[soak] ${line}`);
const argValue = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const MINUTES = Math.max(0.5, Number(argValue("minutes") ?? 10));
const STORAGE = argValue("storage") ?? "s3";
if (STORAGE !== "s3" && STORAGE !== "local") throw new Error(`--storage must be local or s3, got ${STORAGE}`);
const JOBS_PER_MINUTE = Math.max(1, Number(argValue("jobs-per-minute") ?? 4));
const WEB_PORTS = [3291, 3292];
const WORKERS = 3;
const USERS = 6;
const SAMPLE_MS = 10_000;
const KILL_EVERY_MS = 60_000;
const PREFIX = "soak/";
const DIRECT_EVERY_MS = 20_000;
const DOWNLOAD_EVERY_MS = 10_000;
const ABORT_EVERY_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Counters = {
  jobsAsked: number;
  refused429: number;
  direct: number;
  downloads: number;
  aborts: number;
  kills: number;
  /** Non-2xx answers other than 429, by status (0: the connection failed). */
  errors: Map<number, number>;
  errorLines: string[];
  hashMismatches: string[];
};
const counters: Counters = {
  jobsAsked: 0,
  refused429: 0,
  direct: 0,
  downloads: 0,
  aborts: 0,
  kills: 0,
  errors: new Map(),
  errorLines: [],
  hashMismatches: [],
};

function countError(status: number, what: string): void {
  counters.errors.set(status, (counters.errors.get(status) ?? 0) + 1);
  if (counters.errorLines.length < 20) counters.errorLines.push(`${new Date().toISOString()} ${status} ${what}`);
}

/** A GET read to its end (hashing it), or given up after the first chunk. */
function get(
  url: string,
  token: string,
  abortAfterFirstChunk = false,
): Promise<{ status: number; bytes: number; sha256: string; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Authorization: `Bearer ${token}` } }, (res) => {
      const hash = createHash("sha256");
      let bytes = 0;
      let aborted = false;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        hash.update(chunk);
        if (abortAfterFirstChunk && !aborted && (res.statusCode ?? 0) < 300) {
          aborted = true;
          req.destroy();
          resolve({ status: res.statusCode ?? 0, bytes, sha256: "", aborted });
        }
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes, sha256: hash.digest("hex"), aborted }));
      res.on("error", (error) => (aborted ? undefined : reject(error)));
    });
    req.on("error", (error) => (req.destroyed && abortAfterFirstChunk ? undefined : reject(error)));
  });
}

/** Runs `work` every `periodMs` (never two at once) from `offsetMs` until `end`. */
async function every(periodMs: number, offsetMs: number, end: number, work: () => Promise<void>): Promise<void> {
  let next = Date.now() + offsetMs;
  while (next < end) {
    await sleep(Math.max(0, next - Date.now()));
    if (Date.now() >= end) break;
    await work();
    next += periodMs;
    while (next < Date.now()) next += periodMs; // a slow round skips ticks rather than piling up
  }
}

/** A random completed job of the user's: id and recorded SHA-256. */
async function finishedJob(user: ClusterUser): Promise<{ id: string; sha256: string } | null> {
  const { rows } = await pgPool().query<{ id: string; sha256: string }>(
    `SELECT id, sha256 FROM export_jobs WHERE user_id = $1 AND delivery = 'job' AND status = 'completed' ORDER BY random() LIMIT 1`,
    [user.id],
  );
  return rows[0] ?? null;
}

function userLoad(cluster: Cluster, user: ClusterUser, u: number, end: number): Promise<void>[] {
  const base = (n: number) => cluster.webs[n % cluster.webs.length]?.base ?? "";
  let n = u;
  const guarded = (what: string, work: () => Promise<void>) => async () => {
    try {
      await work();
    } catch (error) {
      countError(0, `${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const stagger = (u * 1000) % 10_000;
  return [
    every(
      60_000 / JOBS_PER_MINUTE,
      stagger,
      end,
      guarded("async export", async () => {
        const format = EXPORT_FORMATS[n % EXPORT_FORMATS.length] ?? "csv";
        const response = await request(`${base(n++)}/api/export/async`, {
          method: "POST",
          headers: { Authorization: `Bearer ${user.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ dataset_id: user.datasetId, format, options: {} }),
        });
        if (response.status === 202) counters.jobsAsked++;
        else if (response.status === 429) counters.refused429++;
        else countError(response.status, `POST /api/export/async ${format}: ${response.body.slice(0, 200)}`);
      }),
    ),
    every(
      DIRECT_EVERY_MS,
      stagger + 3000,
      end,
      guarded("direct CSV", async () => {
        const got = await get(`${base(n++)}/api/export/csv/${user.datasetId}`, user.token);
        if (got.status === 200 && got.bytes > 0) counters.direct++;
        else if (got.status === 429) counters.refused429++;
        else countError(got.status, `GET /api/export/csv/${user.datasetId}`);
      }),
    ),
    every(
      DOWNLOAD_EVERY_MS,
      stagger + 5000,
      end,
      guarded("download", async () => {
        const job = await finishedJob(user);
        if (!job) return;
        const got = await get(`${base(n++)}/api/export/download/${job.id}`, user.token);
        if (got.status !== 200) return countError(got.status, `GET /api/export/download/${job.id}`);
        counters.downloads++;
        if (got.sha256 !== job.sha256)
          counters.hashMismatches.push(`download of ${job.id}: ${got.sha256} ≠ ${job.sha256}`);
      }),
    ),
    every(
      ABORT_EVERY_MS,
      stagger + 7000,
      end,
      guarded("aborted download", async () => {
        // Every other one a direct export given up, else a finished job's file.
        const job = counters.aborts % 2 === 0 ? null : await finishedJob(user);
        const url = job
          ? `${base(n++)}/api/export/download/${job.id}`
          : `${base(n++)}/api/export/csv/${user.datasetId}`;
        const got = await get(url, user.token, true);
        if (got.aborted) counters.aborts++;
        else if (got.status === 429) counters.refused429++;
        else if (got.status >= 300) countError(got.status, `aborted GET ${url}`);
      }),
    ),
  ];
}

type ProcessSample = { name: string; pid: number; rssMb: number; fds: number };
type Sample = {
  at: number;
  processes: ProcessSample[];
  connections: number;
  pending: number;
  processing: number;
  completed: number;
  failed: number;
  errors: number;
  refused: number;
};

function openFds(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

async function sample(cluster: Cluster, started: number): Promise<Sample> {
  const processes: ProcessSample[] = [
    ...cluster.webs.map((web, i) => ({ name: `web${i}`, pid: web.pid })),
    ...cluster.workers.map((child, i) => ({ name: `w${i}`, pid: child?.pid ?? 0 })),
  ].map(({ name, pid }) => ({ name, pid, rssMb: pid ? processTreeRssMb(pid) : 0, fds: pid ? openFds(pid) : 0 }));
  const { rows } = await pgPool().query<{
    connections: number;
    pending: number;
    processing: number;
    completed: number;
    failed: number;
  }>(
    `SELECT (SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database()) AS connections,
            count(*) FILTER (WHERE status = 'pending')::int AS pending,
            count(*) FILTER (WHERE status = 'processing')::int AS processing,
            count(*) FILTER (WHERE status = 'completed')::int AS completed,
            count(*) FILTER (WHERE status = 'failed')::int AS failed
       FROM export_jobs WHERE delivery = 'job'`,
  );
  const row = rows[0];
  return {
    at: (Date.now() - started) / 1000,
    processes,
    connections: row?.connections ?? 0,
    pending: row?.pending ?? 0,
    processing: row?.processing ?? 0,
    completed: row?.completed ?? 0,
    failed: row?.failed ?? 0,
    errors: [...counters.errors.values()].reduce((a, b) => a + b, 0),
    refused: counters.refused429,
  };
}

function printSamples(samples: Sample[]): void {
  const names = samples[0]?.processes.map((p) => p.name) ?? [];
  console.log(
    `| t s | ${names.map((name) => `${name} RSS MB / fds`).join(" | ")} | PG conns | queue pending / running | jobs done | failed | errors | 429 |`,
  );
  console.log(`|---:|${names.map(() => "---:|").join("")}---:|---:|---:|---:|---:|---:|`);
  for (const s of samples) {
    console.log(
      `| ${s.at.toFixed(0)} | ${s.processes.map((p) => (p.pid ? `${p.rssMb.toFixed(0)} / ${p.fds}` : "down")).join(" | ")} | ${s.connections} | ${s.pending} / ${s.processing} | ${s.completed} | ${s.failed} | ${s.errors} | ${s.refused} |`,
    );
  }
}

async function checkFiles(store: ExportStore): Promise<{ checked: number; mismatches: string[] }> {
  const { rows } = await pgPool().query<{ id: string; storage_key: string; sha256: string }>(
    `SELECT id, storage_key, sha256 FROM export_jobs WHERE delivery = 'job' AND status = 'completed'`,
  );
  const mismatches: string[] = [];
  for (const row of rows) {
    const file = await store.open(row.storage_key);
    if (!file) {
      mismatches.push(`${row.id}: the file is missing`);
      continue;
    }
    const actual = await file.sha256();
    await file.close();
    if (actual !== row.sha256) mismatches.push(`${row.id}: ${actual} ≠ ${row.sha256}`);
  }
  return { checked: rows.length, mismatches };
}

const server = await benchPostgresServer(log);
let s3: S3TestServer | null = null;
let cluster: Cluster | null = null;
let hard: string[] = [];
try {
  if (STORAGE === "s3") s3 = await startS3Server("outport-soak");
  log(
    `Starting: ${WEB_PORTS.length} web processes (ports ${WEB_PORTS.join(", ")}), ${WORKERS} worker processes, ${STORAGE} storage …`,
  );
  cluster = await startCluster({
    serverUrl: server.url,
    name: "soak",
    webPorts: WEB_PORTS,
    workers: 0, // started one by one below
    users: USERS,
    env: {
      ...(s3 ? s3.env(PREFIX) : {}),
      OUTPORT_WORKER_CONCURRENCY: "2",
      // A killed worker's job is taken up again within seconds, and a job killed twice still completes.
      OUTPORT_JOB_LEASE_SECONDS: "10",
      OUTPORT_JOB_MAX_ATTEMPTS: "5",
      OUTPORT_EXPORTS_PER_MINUTE: "30",
      OUTPORT_ACTIVE_JOBS_PER_USER: "3",
      OUTPORT_LOG_LEVEL: "info", // a worker says when it runs (workerReady reads it)
    },
  });
  const running = cluster;
  // One after the other: workers starting at the same moment on a new database can
  // deadlock making the job queues, and the one that loses exits.
  for (let i = 0; i < WORKERS; i++) {
    running.startWorker(i);
    await workerReady(running, i);
  }
  const store: ExportStore = s3 ? new S3ExportStore(s3.settings(PREFIX)) : new LocalExportStore(running.exportDir);
  const started = Date.now();
  const end = started + MINUTES * 60_000;
  log(
    `Soaking for ${MINUTES} min: per user ${JOBS_PER_MINUTE} jobs/min, a direct CSV every ${DIRECT_EVERY_MS / 1000} s, a download every ${DOWNLOAD_EVERY_MS / 1000} s, an abort every ${ABORT_EVERY_MS / 1000} s; a worker killed every minute …`,
  );

  const samples: Sample[] = [await sample(running, started)];
  const sampler = (async () => {
    while (Date.now() < end) {
      await sleep(Math.min(SAMPLE_MS, Math.max(0, end - Date.now())));
      samples.push(await sample(running, started));
      const s = samples.at(-1);
      if (s && Math.round(s.at) % 60 < 10)
        log(`t=${s.at.toFixed(0)} s: ${s.completed} jobs done, ${s.failed} failed, queue ${s.pending}/${s.processing}`);
    }
  })();
  const killer = every(KILL_EVERY_MS, KILL_EVERY_MS, end, async () => {
    const index = 1 + (counters.kills % (WORKERS - 1));
    await running.stopWorker(index, "SIGKILL");
    counters.kills++;
    await sleep(1000);
    running.startWorker(index);
  });
  await Promise.all([...running.users.flatMap((user, u) => userLoad(running, user, u, end)), killer, sampler]);

  log("Load stopped; waiting for the queue to empty …");
  const drainDeadline = Date.now() + 180_000;
  for (;;) {
    const s = await sample(running, started);
    if (s.pending + s.processing === 0) break;
    if (Date.now() > drainDeadline) {
      hard.push(`the queue did not empty within 3 minutes (${s.pending} pending, ${s.processing} running)`);
      break;
    }
    await sleep(1000);
  }
  await sleep(2000); // the last downloads' sockets and the workers' last queries settle
  samples.push(await sample(running, started));

  const printed =
    MINUTES <= 3
      ? samples
      : samples.filter((s, i) => i === 0 || i === samples.length - 1 || Math.round(s.at) % 60 < 10);
  console.log(`\nSamples (${MINUTES <= 3 ? "every 10 s" : "every minute"}; the last one after the queue emptied):\n`);
  printSamples(printed);

  // Drift: each process at the end against itself a minute after it started (half the run,
  // when shorter). A worker started again late in the run has no such sample: not compared.
  const baseAt = Math.min(60, (MINUTES * 60) / 2);
  const base = samples.find((s) => s.at >= baseAt) ?? samples[0];
  const last = samples.at(-1);
  console.log(`\nDrift of each process from ${baseAt.toFixed(0)} s after it started to the end:\n`);
  console.log("| process | pid | first seen at t s | RSS MB then → end | RSS drift MB | fds then → end | fd drift |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const p of last?.processes ?? []) {
    const own = samples.flatMap((s) => s.processes.filter((q) => q.pid === p.pid).map((q) => ({ at: s.at, ...q })));
    const born = own[0]?.at ?? 0;
    const then = own.find((q) => q.at >= born + baseAt);
    const comparable = then && then !== own.at(-1);
    console.log(
      comparable
        ? `| ${p.name} | ${p.pid} | ${born.toFixed(0)} | ${then.rssMb.toFixed(0)} → ${p.rssMb.toFixed(0)} | ${(p.rssMb - then.rssMb).toFixed(0)} | ${then.fds} → ${p.fds} | ${p.fds - then.fds} |`
        : `| ${p.name} | ${p.pid} | ${born.toFixed(0)} | ${p.rssMb.toFixed(0)} at the end | — (started again too late to compare) | ${p.fds} at the end | — |`,
    );
  }
  const conns = samples.map((s) => s.connections);
  console.log(
    `\nPostgreSQL connections to the database (this bench's own pool included): ${base?.connections} at t=${base?.at.toFixed(0)} s, ${last?.connections} at the end, ${Math.min(...conns)}–${Math.max(...conns)} over the run.`,
  );

  const { rows: failed } = await pgPool().query<{ id: string; format: string; delivery: string; error: string | null }>(
    `SELECT id, format::text, delivery::text, error_message AS error FROM export_jobs WHERE status = 'failed'`,
  );
  const { rows: outcomes } = await pgPool().query<{ delivery: string; status: string; n: number; attempts: number }>(
    `SELECT delivery::text, status::text, count(*)::int AS n, max(attempts)::int AS attempts FROM export_jobs GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  log("Reading every completed file back from the store …");
  const files = await checkFiles(store);
  const fiveXx = [...counters.errors].filter(([status]) => status >= 500).reduce((a, [, n]) => a + n, 0);
  const dropped = counters.errors.get(0) ?? 0;

  console.log(
    `\nLoad: ${counters.jobsAsked} jobs asked for, ${counters.direct} direct CSV downloads, ${counters.downloads} downloads of finished jobs (hash checked), ${counters.aborts} downloads given up after the first chunk, ${counters.refused429} refused with 429 (expected), ${counters.kills} workers SIGKILLed and restarted.`,
  );
  console.log(
    `Exports by delivery and status: ${outcomes.map((o) => `${o.delivery}/${o.status} ${o.n} (most attempts ${o.attempts})`).join(", ")}.`,
  );
  console.log(
    `Error responses (non-2xx other than 429; 0 = connection failed): ${counters.errors.size ? [...counters.errors].map(([s, n]) => `${s}×${n}`).join(", ") : "none"}`,
  );
  for (const line of counters.errorLines) console.log(`  ${line}`);
  console.log(
    `Files read back from the ${STORAGE} store: ${files.checked} checked, ${files.mismatches.length} not matching their SHA-256.`,
  );

  hard = [
    ...hard,
    ...failed.map((f) => `failed job ${f.id} (${f.delivery}, ${f.format}): ${f.error}`),
    ...files.mismatches.map((m) => `stored file ${m}`),
    ...counters.hashMismatches,
    ...(fiveXx ? [`${fiveXx} responses with a 5xx status`] : []),
    ...(dropped ? [`${dropped} requests whose connection failed`] : []),
  ];
  console.log(`\nVerdict: ${hard.length === 0 ? "PASS, no hard failure" : `FAIL, ${hard.length} hard failure(s):`}`);
  for (const line of hard.slice(0, 50)) console.log(`  - ${line}`);
} catch (error) {
  hard.push(error instanceof Error ? error.message : String(error));
  console.error(error);
} finally {
  await cluster?.stop().catch((error: unknown) => console.error("stopping the cluster:", error));
  await s3?.stop().catch(() => {});
  await server.stop();
}
process.exitCode = hard.length ? 1 : 0;
