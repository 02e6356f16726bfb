// `npm run bench:scale` – many processes on one PostgreSQL server, printed as tables.
//  A. Worker throughput: the scale-out test's mix of 60 export jobs (6 users × 10, every
//     format, asked for through 2 web processes, all 60 at once so the asking is never what
//     waits) run by 1, 2 and 3 `npm run worker` processes (2 jobs at once each, the
//     default) on local storage, the counts taking turns round by round after a warm-up:
//     seconds from the first request to the last job finished,
//     jobs/min, MB/min, and the speed-up over one process measured in the same run.
//  B. Download throughput, S3 against local: one large finished export stored in each
//     store, downloaded through a web process one at a time and 4 at once: local, S3
//     streamed through the app, and S3 presigned (the client follows the 302 to the bucket),
//     beside the yardsticks of reading the same bytes straight from the file and straight
//     from the bucket with the SDK.
// The PostgreSQL server: BENCH_DATABASE_URL (or TEST_SCALE_DATABASE_URL), a superuser URL,
// else Debian's started with scripts/ci-postgres.sh for the run. The S3 server is s3rver
// in this process. Everything it makes (database, folders, bucket) is removed afterwards.
// `-- --runs=N` (default 3, best of N), `-- --mb=N` (the download's size, default 64),
// `-- workers` or `-- downloads` runs one part. Needs a current build (npm run build).
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import { pgPool } from "@/lib/data/pg";
import { EXPORT_FORMATS } from "@/lib/export/formats";
import { LocalExportStore, newStorageKey } from "@/lib/files/export-store";
import { S3ExportStore } from "@/lib/files/s3-export-store";
import { startS3Server, type S3TestServer } from "@/tests/helpers/s3-server";
import { benchPostgresServer, startCluster, workerReady, type Cluster, type ClusterUser } from "./cluster";
import { request, startApp, type RunningApp } from "./support";

// The SDK's notice about future Node versions, once per process, would fill the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const log = (line: string) => console.log(`[bench] ${line}`);
const arg = (name: string, fallback: number) => {
  const value = process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  return value ? Number(value) : fallback;
};
const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const RUNS = Math.max(1, arg("runs", 3));
const FILE_MB = Math.max(1, arg("mb", 64));
const WORKER_COUNTS = [1, 2, 3];
const USERS = 6;
const JOBS_PER_USER = 10;
const WEB_PORTS = [3281, 3282];
const S3_PORT = 3283;
const PRESIGNED_PORT = 3284;
const AT_ONCE = 4;
const PREFIX = "bench-scale/";
const MB = 1024 * 1024;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (value: number, digits = 1) => value.toFixed(digits);

// ---------------------------------------------------------------------------------------
// A. Worker throughput

type MixRun = {
  seconds: number;
  completed: number;
  failed: number;
  bytes: number;
  /** CPU seconds the worker processes spent on the run (user + system). */
  workerCpu: number;
  /** The machine's 1-minute load average at the end (another's work on the cores shows here). */
  load: number;
};

const TICKS_PER_SECOND = 100; // Linux's USER_HZ

/** CPU seconds (user + system) a process has used so far, from /proc; 0 once it is gone. */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}
const workersCpu = (cluster: Cluster) => cluster.workers.reduce((sum, child) => sum + cpuSeconds(child?.pid), 0);

/** The 60 jobs asked for at once, through both web processes in turn; resolves when all ended. */
async function runMix(cluster: Cluster, users: ClusterUser[]): Promise<MixRun> {
  const cpuBefore = workersCpu(cluster);
  const started = Date.now();
  const ids = await Promise.all(
    users.flatMap((user, u) =>
      Array.from({ length: JOBS_PER_USER }, async (_, i) => {
        const format = EXPORT_FORMATS[(i + u) % EXPORT_FORMATS.length] ?? "csv";
        const web = cluster.webs[(i + u) % cluster.webs.length];
        const response = await request(`${web?.base}/api/export/async`, {
          method: "POST",
          headers: { Authorization: `Bearer ${user.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ dataset_id: user.datasetId, format, options: {} }),
        });
        if (response.status !== 202) throw new Error(`POST /api/export/async: ${response.status} ${response.body}`);
        return (JSON.parse(response.body) as { job_id: string }).job_id;
      }),
    ),
  );
  const deadline = Date.now() + 600_000;
  for (;;) {
    const { rows } = await pgPool().query<{ open: number }>(
      `SELECT count(*)::int AS open FROM export_jobs WHERE id = ANY($1::uuid[]) AND status IN ('pending', 'processing')`,
      [ids],
    );
    if ((rows[0]?.open ?? 1) === 0) break;
    if (Date.now() > deadline)
      throw new Error(`jobs still open after 10 minutes:\n${cluster.log.slice(-20).join("\n")}`);
    await sleep(100);
  }
  const { rows } = await pgPool().query<{ last: Date; completed: number; failed: number; bytes: string | null }>(
    `SELECT max(finished_at) AS last, count(*) FILTER (WHERE status = 'completed')::int AS completed,
            count(*) FILTER (WHERE status <> 'completed')::int AS failed, sum(file_size)::text AS bytes
       FROM export_jobs WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  const row = rows[0];
  if (!row) throw new Error("no jobs");
  return {
    seconds: (row.last.getTime() - started) / 1000,
    completed: row.completed,
    failed: row.failed,
    bytes: Number(row.bytes ?? 0),
    workerCpu: workersCpu(cluster) - cpuBefore,
    load: os.loadavg()[0] ?? 0,
  };
}

async function workerThroughput(cluster: Cluster) {
  const results = WORKER_COUNTS.map((workers) => ({ workers, runs: [] as MixRun[] }));
  const most = Math.max(...WORKER_COUNTS);
  // One after the other: workers starting at the same moment on a new database can
  // deadlock making the job queues, and the one that loses exits.
  for (let i = 0; i < most; i++) {
    cluster.startWorker(i);
    await workerReady(cluster, i);
  }
  // A fresh process loads each format's code and fonts on its first job of it: one untimed
  // mix on every process first, so each count is measured warm.
  log(`A warm-up mix on all ${most} worker processes …`);
  await runMix(cluster, cluster.users);
  // The counts take turns, round after round, so a busy moment on the shared cores falls on
  // all of them alike. The processes a count does not use are paused (SIGSTOP) while idle:
  // they claim nothing and use no CPU, and stay warm for the next count.
  const pause = (count: number) =>
    cluster.workers.forEach((child, i) => child?.kill(i < count ? "SIGCONT" : "SIGSTOP"));
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const entry of results) {
        pause(entry.workers);
        await sleep(1000); // the resumed ones' timers catch up before the clock starts
        const result = await runMix(cluster, cluster.users);
        log(
          `${entry.workers} worker process(es), round ${run + 1}/${RUNS}: ${fmt(result.seconds, 2)} s, ${result.completed} completed, ${result.failed} not, workers' CPU ${fmt(result.workerCpu, 1)} s, load average ${fmt(result.load, 1)}`,
        );
        if (result.failed > 0)
          throw new Error(`${result.failed} jobs did not complete:\n${cluster.log.slice(-20).join("\n")}`);
        entry.runs.push(result);
      }
    }
  } finally {
    pause(most);
  }
  for (let i = 0; i < cluster.workers.length; i++) await cluster.stopWorker(i, "SIGTERM");
  const jobs = USERS * JOBS_PER_USER;
  const rows = results.map(({ workers, runs }) => {
    const fastest = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const bytes = fastest.bytes;
    return {
      workers,
      runs,
      fastest: fastest.seconds,
      cpuPerJob: fastest.workerCpu / jobs,
      load: fastest.load,
      perMin: (jobs / fastest.seconds) * 60,
      mbPerMin: (bytes / MB / fastest.seconds) * 60,
      bytes,
    };
  });
  const yardstick = rows[0]?.perMin ?? 1;
  const busy = ((rows[0]?.cpuPerJob ?? 0) * jobs) / (rows[0]?.fastest ?? 1);
  console.log(
    `\nA. Worker throughput: ${jobs} export jobs (${USERS} users × ${JOBS_PER_USER}, ${EXPORT_FORMATS.join("/")}) asked for at once through 2 web processes, local storage, ${RUNS === 1 ? "one run" : `best of ${RUNS}`}:\n`,
  );
  console.log(
    "| worker processes × jobs at once | seconds, first request → last job done | jobs/min | MB/min | speed-up vs 1 process | workers' CPU s per job | load average | every run s |",
  );
  console.log("|---|---:|---:|---:|---:|---:|---:|---|");
  for (const row of rows) {
    console.log(
      `| ${row.workers} × 2 | ${fmt(row.fastest, 2)} | ${fmt(row.perMin, 0)} | ${fmt(row.mbPerMin, 1)} | ${fmt(row.perMin / yardstick, 2)}× | ${fmt(row.cpuPerJob, 2)} | ${fmt(row.load, 1)} | ${row.runs.map((r) => fmt(r.seconds, 2)).join(", ")} |`,
    );
  }
  console.log(
    `\nThe yardstick is 1 worker process in this same run (1.00×); linear would be N×. The machine has ${os.cpus().length} cores, shared by the workers, the 2 web processes, PostgreSQL and this bench, so 3 processes on 2 cores cannot scale linearly: a third only fills the gaps while the others wait for the database or the disk. One process kept ${fmt(busy, 2)} cores busy with its own work (its CPU seconds over the run's seconds), so the cores allow about ${fmt(os.cpus().length / Math.max(busy, 0.01), 1)}× at most, less what PostgreSQL and the web processes need. The workers' CPU seconds per job (user + system, of the fastest run) show whether more processes cost more work per job or only wait for the cores; the load average (1 minute, at the end of that run) shows what else ran. One untimed warm-up mix runs on all the processes first, then the counts take turns round by round (the processes a count does not use paused); the mix writes ${fmt((rows[0]?.bytes ?? 0) / MB, 1)} MB per run.`,
  );
  return rows;
}

// ---------------------------------------------------------------------------------------
// B. Download throughput

/** One GET read to its end (following one redirect): status, bytes and seconds. */
function download(
  url: string,
  headers: Record<string, string>,
  hash = false,
): Promise<{ status: number; bytes: number; seconds: number; sha256: string; redirected: boolean }> {
  const started = performance.now();
  const get = (target: string, sendHeaders: Record<string, string>, redirected: boolean) =>
    new Promise<{ status: number; bytes: number; seconds: number; sha256: string; redirected: boolean }>(
      (resolve, reject) => {
        const req = http.get(target, { headers: sendHeaders }, (res) => {
          if (res.statusCode === 302 && res.headers.location && !redirected) {
            res.resume();
            get(new URL(res.headers.location, target).toString(), {}, true).then(resolve, reject);
            return;
          }
          const hasher = hash ? createHash("sha256") : null;
          let bytes = 0;
          res.on("data", (chunk: Buffer) => {
            bytes += chunk.length;
            hasher?.update(chunk);
          });
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              bytes,
              seconds: (performance.now() - started) / 1000,
              sha256: hasher?.digest("hex") ?? "",
              redirected,
            }),
          );
          res.on("error", reject);
        });
        req.on("error", reject);
      },
    );
  return get(url, headers, false);
}

/** Reads a stream to its end, keeping nothing. */
async function drain(stream: AsyncIterable<unknown>): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Buffer).length;
  return bytes;
}

/** Writes FILE_MB of random bytes through a store and records a finished job for them. */
async function storedExport(
  write: (key: string, chunks: AsyncIterable<Uint8Array>) => Promise<{ size: number; sha256: string; md5: string }>,
  user: ClusterUser,
) {
  const key = newStorageKey("csv");
  const chunk = randomBytes(MB);
  async function* chunks() {
    for (let i = 0; i < FILE_MB; i++) yield chunk;
  }
  const written = await write(key, chunks());
  const id = randomUUID();
  await pgPool().query(
    `INSERT INTO export_jobs (id, user_id, dataset_id, format, options, status, progress, storage_key, file_name, file_size, sha256, md5, expires_at, finished_at)
     VALUES ($1, $2, $3, 'csv', '{}', 'completed', 100, $4, 'bench.csv', $5, $6, $7, now() + interval '1 day', now())`,
    [id, user.id, user.datasetId, key, written.size, written.sha256, written.md5],
  );
  return { id, key, ...written };
}

type Case = { label: string; yardstick: string; one: number; atOnce: number; yardOne: number; yardAtOnce: number };

type Reader = { size: number; read: () => Promise<number> };
type Speeds = { one: number; atOnce: number };

/**
 * Best MB/s of each reader one at a time (RUNS reads, at least 3) and 4 at once (RUNS
 * rounds, MB/s all together), after a warm-up read each. The readers take turns read by
 * read, so a busy moment on the shared cores falls on a case and its yardstick alike.
 */
async function measureAll(readers: Reader[]): Promise<Speeds[]> {
  const timed = async ({ size, read }: Reader, n: number) => {
    const started = performance.now();
    const sizes = await Promise.all(Array.from({ length: n }, read));
    for (const bytes of sizes) if (bytes !== size) throw new Error(`read ${bytes} bytes of ${size}`);
    return (n * size) / MB / ((performance.now() - started) / 1000);
  };
  for (const reader of readers) await timed(reader, 1); // connections, the route, the page cache
  const speeds = readers.map(() => ({ one: 0, atOnce: 0 }));
  for (let i = 0; i < Math.max(3, RUNS); i++) {
    for (const [r, reader] of readers.entries()) {
      const got = speeds[r];
      if (got) got.one = Math.max(got.one, await timed(reader, 1));
    }
  }
  for (let i = 0; i < RUNS; i++) {
    for (const [r, reader] of readers.entries()) {
      const got = speeds[r];
      if (got) got.atOnce = Math.max(got.atOnce, await timed(reader, AT_ONCE));
    }
  }
  return speeds;
}

async function downloadThroughput(cluster: Cluster, s3: S3TestServer) {
  const user = cluster.users[1];
  const local = cluster.webs[0];
  if (!user || !local) throw new Error("no user or web process");
  const localStore = new LocalExportStore(cluster.exportDir);
  const s3Store = new S3ExportStore(s3.settings(PREFIX));
  log(`Writing a ${FILE_MB} MB finished export into each store …`);
  const localJob = await storedExport((key, chunks) => localStore.write(key, chunks), user);
  const s3Job = await storedExport((key, chunks) => s3Store.write(key, chunks), user);
  const webEnv = { ...s3.env(PREFIX), OUTPORT_WORKERS: "0", OUTPORT_LOG_LEVEL: "warn" };
  const apps: RunningApp[] = [];
  try {
    apps.push(await startApp(S3_PORT, cluster.databaseUrl, webEnv));
    apps.push(
      await startApp(PRESIGNED_PORT, cluster.databaseUrl, { ...webEnv, OUTPORT_S3_PRESIGNED_DOWNLOADS: "true" }),
    );
    const [s3Web, presignedWeb] = apps;
    if (!s3Web || !presignedWeb) throw new Error("the S3 web processes did not start");
    const auth = { Authorization: `Bearer ${user.token}` };
    const viaApp = async (base: string, job: { id: string; size: number; sha256: string }, redirect: boolean) => {
      const checked = await download(`${base}/api/export/download/${job.id}`, auth, true);
      if (checked.status !== 200 || checked.sha256 !== job.sha256 || checked.redirected !== redirect)
        throw new Error(`${base}: HTTP ${checked.status}, ${checked.bytes} bytes, redirected ${checked.redirected}`);
      return async () => {
        const got = await download(`${base}/api/export/download/${job.id}`, auth);
        if (got.status !== 200) throw new Error(`${base}: HTTP ${got.status}`);
        return got.bytes;
      };
    };
    const fromFile = () => drain(createReadStream(path.join(cluster.exportDir, localJob.key)));
    const fromBucket = async () => {
      const got = await s3Store.client.send(
        new GetObjectCommand({ Bucket: s3.bucket, Key: s3Store.objectKey(s3Job.key) }),
      );
      return drain(got.Body as Readable);
    };

    log(
      "Reading: the file from disk, the object with the SDK, and both through the app (local, S3, presigned) in turns …",
    );
    const [file, bucket, viaLocal, viaS3, viaPresigned] = await measureAll([
      { size: localJob.size, read: fromFile },
      { size: s3Job.size, read: fromBucket },
      { size: localJob.size, read: await viaApp(local.base, localJob, false) },
      { size: s3Job.size, read: await viaApp(s3Web.base, s3Job, false) },
      { size: s3Job.size, read: await viaApp(presignedWeb.base, s3Job, true) },
    ]);
    if (!file || !bucket || !viaLocal || !viaS3 || !viaPresigned) throw new Error("a reader was not measured");
    const caseOf = (label: string, yardstick: string, got: Speeds, yard: Speeds): Case => ({
      label,
      yardstick,
      one: got.one,
      atOnce: got.atOnce,
      yardOne: yard.one,
      yardAtOnce: yard.atOnce,
    });
    const cases = [
      caseOf("local store, streamed by the app", "the file read from disk", viaLocal, file),
      caseOf("S3, streamed through the app", "GetObject with the SDK", viaS3, bucket),
      caseOf("S3, presigned (302 to the bucket)", "GetObject with the SDK", viaPresigned, bucket),
    ];

    console.log(
      `\nB. Downloading one ${FILE_MB} MB finished export (SHA-256 checked once per route first), best of ${Math.max(3, RUNS)} one at a time and of ${RUNS} round(s) of ${AT_ONCE} at once (MB/s all together), after a warm-up:\n`,
    );
    console.log(
      `| route | MB/s one at a time | MB/s ${AT_ONCE} at once | yardstick | yardstick MB/s one / ${AT_ONCE} at once | ratio one | ratio ${AT_ONCE} at once |`,
    );
    console.log("|---|---:|---:|---|---:|---:|---:|");
    console.log(
      `| the file read from disk (fs.createReadStream) | ${fmt(file.one, 0)} | ${fmt(file.atOnce, 0)} | — | — | — | — |`,
    );
    console.log(
      `| GetObject from s3rver with the SDK | ${fmt(bucket.one, 0)} | ${fmt(bucket.atOnce, 0)} | — | — | — | — |`,
    );
    for (const c of cases) {
      console.log(
        `| ${c.label} | ${fmt(c.one, 0)} | ${fmt(c.atOnce, 0)} | ${c.yardstick} | ${fmt(c.yardOne, 0)} / ${fmt(c.yardAtOnce, 0)} | ${fmt(c.one / c.yardOne, 2)} | ${fmt(c.atOnce / c.yardAtOnce, 2)} |`,
      );
    }
    console.log(
      "\nThe app reads a stored file twice per download: once for the SHA-256 check before the first byte, once to send it (a presigned download checks the hash recorded on the object instead and sends no bytes itself). s3rver runs inside this bench process, so the bucket, the client and (for S3) the app share the 2 cores.",
    );
    return { file, bucket, cases };
  } finally {
    for (const app of apps) await app.stop();
  }
}

// ---------------------------------------------------------------------------------------

const server = await benchPostgresServer(log);
let s3: S3TestServer | null = null;
let cluster: Cluster | null = null;
try {
  s3 = await startS3Server("outport-bench-scale");
  log(
    `Starting the cluster: ${WEB_PORTS.length} web processes (ports ${WEB_PORTS.join(", ")}), up to ${Math.max(...WORKER_COUNTS)} worker processes, local storage …`,
  );
  cluster = await startCluster({
    serverUrl: server.url,
    name: "benchscale",
    webPorts: WEB_PORTS,
    workers: 0, // started one by one in part A
    users: USERS,
    detachedWorkers: true, // part A pauses the ones a count does not use
    env: {
      OUTPORT_WORKER_CONCURRENCY: "2",
      // The asking is never what waits: all 60 jobs may wait at once, every run.
      OUTPORT_ACTIVE_JOBS_PER_USER: "1000",
      OUTPORT_EXPORTS_PER_MINUTE: "100000",
      OUTPORT_LOG_LEVEL: "info",
    },
  });
  // Detached, the workers would outlive an interrupted bench: they go with it.
  const running = cluster;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      for (const child of running.workers) {
        child?.kill("SIGCONT");
        child?.kill("SIGKILL");
      }
      process.exit(130);
    });
  }
  const throughput = only.length === 0 || only.includes("workers") ? await workerThroughput(cluster) : null;
  const downloads = only.length === 0 || only.includes("downloads") ? await downloadThroughput(cluster, s3) : null;

  console.log("\nSummary:\n");
  console.log("| measure | value | yardstick | ratio |");
  console.log("|---|---:|---|---:|");
  const one = throughput?.[0]?.perMin ?? 1;
  for (const row of throughput ?? []) {
    console.log(
      `| ${row.workers} worker process(es): jobs/min | ${fmt(row.perMin, 0)} | 1 process: ${fmt(one, 0)} jobs/min | ${fmt(row.perMin / one, 2)}× |`,
    );
  }
  for (const c of downloads?.cases ?? []) {
    console.log(
      `| ${c.label}: MB/s one at a time | ${fmt(c.one, 0)} | ${c.yardstick}: ${fmt(c.yardOne, 0)} | ${fmt(c.one / c.yardOne, 2)} |`,
    );
    console.log(
      `| ${c.label}: MB/s ${AT_ONCE} at once | ${fmt(c.atOnce, 0)} | ${c.yardstick}: ${fmt(c.yardAtOnce, 0)} | ${fmt(c.atOnce / c.yardAtOnce, 2)} |`,
    );
  }
  console.log(
    `\nPostgreSQL: ${server.startedHere ? "started for this run with scripts/ci-postgres.sh" : "the server given"}; 2 cores.`,
  );
} finally {
  await cluster?.stop().catch((error: unknown) => console.error("stopping the cluster:", error));
  await s3?.stop().catch(() => {});
  await server.stop();
}
