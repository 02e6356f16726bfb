// `npm run bench:download` – serving finished exports, printed as tables.
//  1. Downloads of a 1 MB, 100 MB and 1 GB export over HTTP from the built app (port 3202):
//     time to the first byte (the SHA-256 of the whole file is checked before it), total
//     time, throughput, and the server's peak RSS while it streams. 5 runs each after a
//     warm-up request, median.
//  2. The history and status endpoints with 2,000 exports in the history: p50/p95/p99 of 200
//     requests one after another (GET /api/export/history page of 25, admin and manager;
//     GET /api/export/status/{id}, which the progress modal polls).
// Uses the embedded database under var/ (or DATABASE_URL). The jobs and files it makes are
// removed afterwards. Needs a current build (npm run build).
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { varDir } from "../lib/config";
import { openDatabase } from "../lib/data/bootstrap";
import { closePgPool, pgPool } from "../lib/data/pg";
import { disconnectPrisma, prisma } from "../lib/data/prisma";
import { isDatabaseEmpty, seedDemoData } from "../lib/data/seed/seed";
import { exportStore, newStorageKey } from "../lib/files/export-store";
import { processTreeRssMb, request, startApp } from "./support";

const log = (line: string) => console.log(`[bench] ${line}`);
const exportDir = path.join(varDir(), "bench-downloads");
const MARK = "bench-download";
const SIZES_MB = [1, 100, 1024];
const RUNS = 5;
const HISTORY_ROWS = 2000;
const SAMPLES = 200;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Writes `mb` MB of random bytes as a published export file; its size and SHA-256. */
async function benchFile(mb: number) {
  const key = newStorageKey("csv");
  const chunk = randomBytes(1 << 20);
  async function* chunks() {
    for (let i = 0; i < mb; i++) yield chunk;
  }
  const written = await exportStore(exportDir).write(key, chunks());
  return { key, ...written };
}

/** One download: time to the response headers + first byte, and to the last byte. */
function timedDownload(
  url: string,
  cookie: string,
): Promise<{ status: number; firstByteMs: number; totalMs: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByteMs = 0;
    let bytes = 0;
    const req = http.get(url, { headers: { cookie } }, (res) => {
      res.on("data", (data: Buffer) => {
        if (bytes === 0) firstByteMs = performance.now() - started;
        bytes += data.length;
      });
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, firstByteMs, totalMs: performance.now() - started, bytes }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

async function cleanUp() {
  await pgPool().query(`DELETE FROM export_jobs WHERE options->>'bench' = $1`, [MARK]);
  rmSync(exportDir, { recursive: true, force: true });
}

const db = await openDatabase(log);
let app: Awaited<ReturnType<typeof startApp>> | null = null;
try {
  if (await isDatabaseEmpty(prisma())) await seedDemoData(prisma(), pgPool(), log);
  await cleanUp();
  mkdirSync(exportDir, { recursive: true });
  const admin = await prisma().user.findUniqueOrThrow({ where: { email: "admin@outport.local" } });
  const manager = await prisma().user.findUniqueOrThrow({ where: { email: "manager@outport.local" } });
  const dataset = await prisma().dataset.findFirstOrThrow({ where: { title: "Q1 Sales" } });

  log(`Writing ${SIZES_MB.join(", ")} MB export files …`);
  const files: Array<{ mb: number; id: string; size: number }> = [];
  for (const mb of SIZES_MB) {
    const file = await benchFile(mb);
    const id = randomUUID();
    await pgPool().query(
      `INSERT INTO export_jobs (id, user_id, dataset_id, format, options, status, progress, storage_key, file_name, file_size, sha256, md5, expires_at, finished_at)
       VALUES ($1, $2, $3, 'csv', $4, 'completed', 100, $5, 'bench.csv', $6, $7, $8, now() + interval '1 day', now())`,
      [id, manager.id, dataset.id, JSON.stringify({ bench: MARK }), file.key, file.size, file.sha256, file.md5],
    );
    files.push({ mb, id, size: file.size });
  }
  log(`Adding ${HISTORY_ROWS.toLocaleString("en")} exports to the history …`);
  await pgPool().query(
    `INSERT INTO export_jobs (id, user_id, dataset_id, format, options, status, progress, error_message, created_at, finished_at)
     SELECT gen_random_uuid(), CASE WHEN g % 2 = 0 THEN $1::int ELSE $2::int END, $3, 'csv', $4, 'failed', 0, 'job.error.unexpected',
            now() - g * interval '1 minute', now() - g * interval '1 minute'
       FROM generate_series(1, $5::int) g`,
    [manager.id, admin.id, dataset.id, JSON.stringify({ bench: MARK }), HISTORY_ROWS],
  );

  log("Starting the built app on port 3202 (workers off) …");
  app = await startApp(3202, db.url, { OUTPORT_EXPORT_DIR: exportDir, OUTPORT_WORKERS: "0" });
  const managerCookie = await app.cookieFor(manager.id);
  const adminCookie = await app.cookieFor(admin.id);

  console.log(
    `\nDownloading a finished export over HTTP (SHA-256 verified before the first byte; median of ${RUNS}; 2 cores):\n`,
  );
  console.log("| file | first byte ms | total ms | MB/s | server RSS before MB | server peak RSS MB |");
  console.log("|---:|---:|---:|---:|---:|---:|");
  for (const file of files) {
    const runs = [];
    const before = processTreeRssMb(app.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, processTreeRssMb(app?.pid ?? 0))), 50);
    await timedDownload(`${app.base}/api/export/download/${file.id}`, managerCookie); // warm-up
    for (let i = 0; i < RUNS; i++) {
      const run = await timedDownload(`${app.base}/api/export/download/${file.id}`, managerCookie);
      if (run.status !== 200 || run.bytes !== file.size)
        throw new Error(`download of ${file.mb} MB: ${run.status}, ${run.bytes} bytes`);
      runs.push(run);
    }
    clearInterval(sampler);
    const total = median(runs.map((r) => r.totalMs));
    console.log(
      `| ${file.mb >= 1024 ? `${file.mb / 1024} GB` : `${file.mb} MB`} | ${median(runs.map((r) => r.firstByteMs)).toFixed(1)} | ${total.toFixed(1)} | ${(file.size / 1048576 / (total / 1000)).toFixed(0)} | ${before.toFixed(0)} | ${peak.toFixed(0)} |`,
    );
  }

  const latencies = async (url: string, cookie: string) => {
    const samples: number[] = [];
    for (let i = 0; i < 20; i++) await request(url, { headers: { cookie } }); // warm up
    for (let i = 0; i < SAMPLES; i++) {
      const started = performance.now();
      const response = await request(url, { headers: { cookie } });
      if (response.status !== 200) throw new Error(`${url}: ${response.status} ${response.body.slice(0, 200)}`);
      samples.push(performance.now() - started);
    }
    return samples;
  };
  const rows: Array<[string, number[]]> = [
    [
      "GET /api/export/history (admin: all users)",
      await latencies(`${app.base}/api/export/history?page_size=25`, adminCookie),
    ],
    [
      "GET /api/export/history (manager: own)",
      await latencies(`${app.base}/api/export/history?page_size=25`, managerCookie),
    ],
    [
      "GET /api/export/history?format=csv&page=20",
      await latencies(`${app.base}/api/export/history?format=csv&page=20&page_size=25`, adminCookie),
    ],
    ["GET /api/export/status/{id}", await latencies(`${app.base}/api/export/status/${files[0]?.id}`, managerCookie)],
    ["GET /api/health (floor)", await latencies(`${app.base}/api/health`, managerCookie)],
  ];
  console.log(
    `\nHistory and status with ${HISTORY_ROWS.toLocaleString("en")} exports in the history (${SAMPLES} requests one after another):\n`,
  );
  console.log("| request | p50 ms | p95 ms | p99 ms |");
  console.log("|---|---:|---:|---:|");
  for (const [label, samples] of rows) {
    console.log(`| ${label} | ${[50, 95, 99].map((p) => percentile(samples, p).toFixed(1)).join(" | ")} |`);
  }
} finally {
  await app?.stop();
  await cleanUp().catch(() => {});
  await disconnectPrisma();
  await closePgPool();
  await db.stop();
}
