// `npm run bench:export` – export throughput and memory, printed as a table.
//  1. From the database to bytes, per format, each case in a fresh process (peak RSS).
//  2. PostgreSQL's own COPY (SELECT …) TO STDOUT WITH CSV of the same rows, as a yardstick.
//  3. The 1M-row CSV over HTTP against the running app: first byte, total, server RSS growth.
// Uses the embedded database under var/ (or DATABASE_URL); adds the 1M-row dataset once.
import { to as copyTo } from "pg-copy-streams";
import { openDatabase } from "../lib/data/bootstrap";
import { closePgPool, pgPool } from "../lib/data/pg";
import { disconnectPrisma, prisma } from "../lib/data/prisma";
import { isDatabaseEmpty, seedDemoData } from "../lib/data/seed/seed";
import { BENCH_ROWS, ensureBenchDataset } from "./bench-dataset";
import { processTreeRssMb, runJsonChild, startApp } from "./support";

type Result = {
  format: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  megabytes: number;
  firstByteMs: number;
  peakRssMb: number;
};

const log = (line: string) => console.log(`[bench] ${line}`);
const only = process.argv.slice(2); // e.g. `npm run bench:export -- csv excel`

const CASES: Array<[format: string, rows: number]> = [
  ["csv", 100_000],
  ["csv", 1_000_000],
  ["json", 1_000_000],
  ["ndjson", 1_000_000],
  ["parquet", 1_000_000],
  ["excel", 25_000],
  ["excel", 100_000],
  ["excel", 1_000_000],
];

function runCase(format: string, rows: number, datasetId: number, columns: unknown): Promise<Result> {
  return runJsonChild<Result>(
    ["bench/export-one.ts", format, String(rows), String(datasetId), JSON.stringify(columns)],
    `${format} ${rows}`,
  );
}

async function copyBaseline(datasetId: number, keys: string[]): Promise<{ seconds: number; megabytes: number }> {
  const client = await pgPool().connect();
  try {
    const select = keys.map((k) => `data->>'${k.replaceAll("'", "''")}'`).join(", ");
    const started = performance.now();
    const stream = client.query(
      copyTo(
        `COPY (SELECT ${select} FROM records WHERE dataset_id = ${datasetId} ORDER BY id) TO STDOUT WITH CSV HEADER`,
      ),
    );
    let bytes = 0;
    for await (const chunk of stream) bytes += (chunk as Buffer).length;
    return { seconds: (performance.now() - started) / 1000, megabytes: bytes / 1e6 };
  } finally {
    client.release();
  }
}

async function overHttp(datasetId: number, adminId: number, url: string) {
  const app = await startApp(3200, url, { OUTPORT_EXPORTS_PER_MINUTE: "1000" });
  try {
    const cookie = await app.cookieFor(adminId);
    const runs: Array<{ firstByteMs: number; seconds: number; megabytes: number; rssGrowthMb: number }> = [];
    for (let run = 0; run < 3; run++) {
      const rssBefore = processTreeRssMb(app.pid);
      let rssPeak = rssBefore;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, processTreeRssMb(app.pid))), 100);
      const started = performance.now();
      const response = await fetch(`${app.base}/api/export/csv/${datasetId}`, { headers: { cookie } });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      let firstByteMs = 0;
      let bytes = 0;
      const reader = response.body.getReader();
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        if (!firstByteMs) firstByteMs = performance.now() - started;
        bytes += next.value.byteLength;
      }
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      runs.push({ firstByteMs, seconds, megabytes: bytes / 1e6, rssGrowthMb: rssPeak - rssBefore });
    }
    return runs;
  } finally {
    await app.stop();
  }
}

const db = await openDatabase(log);
try {
  if (await isDatabaseEmpty(prisma())) await seedDemoData(prisma(), pgPool(), log);
  const datasetId = await ensureBenchDataset(prisma(), pgPool(), log);
  const dataset = await prisma().dataset.findUniqueOrThrow({
    where: { id: datasetId },
    include: { columns: { orderBy: { position: "asc" } } },
  });
  const columns = dataset.columns.map(({ key, label, type, sensitive }) => ({ key, label, type, sensitive }));
  const adminId = dataset.ownerId;

  const results: Result[] = [];
  for (const [format, rows] of CASES) {
    if (only.length > 0 && !only.includes(format) && !only.includes(`${format}:${rows}`)) continue;
    log(`${format} ${rows.toLocaleString("en")} rows …`);
    results.push(await runCase(format, rows, datasetId, columns));
  }

  console.log("\nFrom the database to bytes (one process per case, 2 cores):\n");
  console.log("| format | rows | seconds | rows/s | MB | first byte ms | peak RSS MB |");
  console.log("|---|---:|---:|---:|---:|---:|---:|");
  for (const r of results) {
    console.log(
      `| ${r.format} | ${r.rows.toLocaleString("en")} | ${r.seconds.toFixed(2)} | ${r.rowsPerSecond.toLocaleString("en")} | ${r.megabytes.toFixed(1)} | ${r.firstByteMs} | ${r.peakRssMb} |`,
    );
  }

  if (only.length === 0 || only.includes("http")) {
    const copy = await copyBaseline(
      datasetId,
      columns.map((c) => c.key),
    );
    const csv = results.find((r) => r.format === "csv" && r.rows === BENCH_ROWS);
    console.log(
      `\nPostgreSQL COPY (SELECT …) TO STDOUT WITH CSV, ${BENCH_ROWS.toLocaleString("en")} rows: ${copy.seconds.toFixed(2)} s, ${copy.megabytes.toFixed(1)} MB`,
    );
    if (csv) console.log(`Outport CSV / COPY: ${(csv.seconds / copy.seconds).toFixed(2)}×`);

    log("1M-row CSV over HTTP (the built app on port 3200) …");
    const runs = await overHttp(datasetId, adminId, db.url);
    console.log("\nCSV, 1,000,000 rows over HTTP (3 runs; the first warms up):\n");
    console.log("| run | first byte ms | total s | MB | server RSS growth MB |");
    console.log("|---:|---:|---:|---:|---:|");
    runs.forEach((r, i) =>
      console.log(
        `| ${i + 1} | ${r.firstByteMs.toFixed(0)} | ${r.seconds.toFixed(2)} | ${r.megabytes.toFixed(1)} | ${r.rssGrowthMb.toFixed(0)} |`,
      ),
    );
  }
} finally {
  await disconnectPrisma();
  await closePgPool();
  await db.stop();
}
