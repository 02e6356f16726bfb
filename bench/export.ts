// `npm run bench:export` – export speed and memory against PostgreSQL's own COPY, in one run:
//  1. The yardstick: COPY (SELECT * FROM <the typed table> ORDER BY row_id) TO STDOUT
//     (FORMAT csv) of the whole benchmark dataset, its bytes read in Node as a client would.
//  2. Each format from the database to bytes, every run in a fresh process
//     (bench/export-one.ts): best time, ratio to the yardstick, rows/s, first byte, and the
//     process's RSS growth over its idle RSS.
//  3. The whole dataset as CSV over HTTP from the built app on port 3200: first byte, total,
//     ratio to the yardstick, growth of the server's RSS.
//  4. `widths`: for each demo dataset and the benchmark one, the Excel column widths the header
//     and the first batch of 5,000 rows give against the exact ones from the source's extents
//     (every row): how many columns differ, by how much at most, and the extents query's time.
// Goals are printed beside the numbers, checked only on cases run at their full size.
// Arguments: case names to run only those (`csv`, `excel:25000`, `http`), `--runs=N` (best
// of N, default 3). Excel measures its column widths over
// every row, as the app does; BENCH_EXCEL_WIDTHS=first-batch takes them from the first rows
// instead (the cost of the measure). BENCH_ROWS_OVERRIDE=50000 uses a
// smaller dataset (a title of its own) for a quick try.
// The database: DATABASE_URL, else the embedded one of a running `npm start` (joined), else
// the embedded one under var/, started here. The benchmark dataset is added once and kept.
import http from "node:http";
import { to as copyTo } from "pg-copy-streams";
import { closePgPool, pgPool } from "../lib/data/pg";
import { disconnectPrisma, prisma } from "../lib/data/prisma";
import { isDatabaseEmpty, seedDemoData } from "../lib/data/seed/seed";
import { findDataset } from "../lib/datasets/dataset-store";
import { DEMO_DATASETS } from "../lib/data/seed/demo-datasets";
import { widthsFromExtents, widthsFromRows } from "../lib/export/formats/xlsx-sheet";
import { ZExportOptionsSchema } from "../lib/export/options";
import { planExport } from "../lib/export/plan";
import type { RowBatch } from "../lib/export/types";
import { datasetSource } from "../lib/sources";
import { tableSql } from "../lib/sources/typed/rows-table";
import { BENCH_ROWS, ensureBenchDataset } from "./bench-dataset";
import type { OneRun } from "./export-one";
import { openBenchDatabase, processTree, requireBuild, rssMb, runJsonChild, startApp } from "./support";

const log = (line: string) => console.log(`[bench] ${line}`);
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith("--")); // e.g. `npm run bench:export -- csv excel:25000 http`
const RUNS = positiveInteger(args.find((a) => a.startsWith("--runs="))?.slice("--runs=".length) ?? "3", "--runs");
const ROWS = positiveInteger(process.env.BENCH_ROWS_OVERRIDE ?? String(BENCH_ROWS), "BENCH_ROWS_OVERRIDE");
const HTTP_RUNS = 3;

function positiveInteger(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${text}"`);
  return value;
}

const count = (n: number) => n.toLocaleString("en");
const yesNo = (met: boolean) => (met ? "yes" : "NO");

type Measured = { seconds: number; ratio: number | null; growthMb: number };
type Goal = { text: string; met: (m: Measured) => boolean | null };

const ratioAtMost = (limit: number): Goal => ({
  text: `≤ ${limit}× yardstick`,
  met: (m) => (m.ratio === null ? null : m.ratio <= limit),
});
const secondsAtMost = (limit: number): Goal => ({ text: `≤ ${limit} s`, met: (m) => m.seconds <= limit });
const growthAtMost = (limit: number): Goal => ({ text: `RSS growth ≤ ${limit} MB`, met: (m) => m.growthMb <= limit });

/** The cases at their full size (the name the CLI filter takes is `format` or `format:rows`). */
const CASES: Array<{ format: string; rows: number; goals: Goal[] }> = [
  { format: "csv", rows: 100_000, goals: [secondsAtMost(0.3)] },
  { format: "csv", rows: 1_000_000, goals: [] }, // its goal is over HTTP, below
  { format: "json", rows: 1_000_000, goals: [ratioAtMost(2)] },
  { format: "ndjson", rows: 1_000_000, goals: [ratioAtMost(2)] },
  { format: "parquet", rows: 1_000_000, goals: [ratioAtMost(3)] },
  { format: "excel", rows: 25_000, goals: [secondsAtMost(0.5)] },
  { format: "excel", rows: 100_000, goals: [] },
  { format: "excel", rows: 1_000_000, goals: [secondsAtMost(10), growthAtMost(150)] },
];
const HTTP_GOALS = { ratio: 1.3, firstByteMs: 200, growthMb: 100 };

type Yardstick = { sql: string; rows: number; seconds: number[]; best: number; megabytes: number };

async function yardstick(rowsTable: string, rows: number): Promise<Yardstick> {
  const sql = `COPY (SELECT * FROM ${tableSql(rowsTable)} ORDER BY row_id) TO STDOUT (FORMAT csv)`;
  const seconds: number[] = [];
  let megabytes = 0;
  for (let run = 0; run < RUNS; run++) {
    const client = await pgPool().connect();
    try {
      const started = performance.now();
      let bytes = 0;
      for await (const chunk of client.query(copyTo(sql))) bytes += (chunk as Buffer).length;
      seconds.push((performance.now() - started) / 1000);
      megabytes = bytes / 1e6;
    } finally {
      client.release();
    }
  }
  return { sql, rows, seconds, best: Math.min(...seconds), megabytes };
}

type HttpRun = {
  firstByteMs: number;
  seconds: number;
  megabytes: number;
  beforeMb: number;
  peakMb: number;
  growthMb: number;
};

/** One GET read to the end with node:http (cheaper for the shared cores than fetch's web streams). */
function download(url: string, cookie: string): Promise<{ firstByteMs: number; seconds: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.get(url, { headers: { cookie } }, (res) => {
      if (res.statusCode !== 200) {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => reject(new Error(`HTTP ${res.statusCode} for ${url}: ${body.slice(0, 500)}`)));
        return;
      }
      let firstByteMs = 0;
      let bytes = 0;
      res.on("data", (chunk: Buffer) => {
        if (!firstByteMs) firstByteMs = performance.now() - started;
        bytes += chunk.length;
      });
      res.on("end", () => resolve({ firstByteMs, seconds: (performance.now() - started) / 1000, bytes }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

async function overHttp(datasetId: number, adminId: number, url: string): Promise<HttpRun[]> {
  const app = await startApp(3200, url, { OUTPORT_EXPORTS_PER_MINUTE: "1000" });
  try {
    const cookie = await app.cookieFor(adminId);
    // One small export first: the route's code loaded and its pool open belong to the server
    // at rest, not to the growth of a download.
    const one = new URLSearchParams({ filters: JSON.stringify([{ column: "ref", op: "eq", value: "B-0000001" }]) });
    await download(`${app.base}/api/export/csv/${datasetId}?${one}`, cookie);
    const runs: HttpRun[] = [];
    for (let run = 0; run < HTTP_RUNS; run++) {
      const tree = processTree(app.pid);
      const beforeMb = rssMb(tree);
      let peakMb = beforeMb;
      const sampler = setInterval(() => (peakMb = Math.max(peakMb, rssMb(tree))), 20);
      try {
        const got = await download(`${app.base}/api/export/csv/${datasetId}`, cookie);
        peakMb = Math.max(peakMb, rssMb(tree));
        runs.push({
          firstByteMs: got.firstByteMs,
          seconds: got.seconds,
          megabytes: got.bytes / 1e6,
          beforeMb,
          peakMb,
          growthMb: peakMb - beforeMb,
        });
      } finally {
        clearInterval(sampler);
      }
    }
    return runs;
  } finally {
    await app.stop();
  }
}

type WidthsRow = {
  title: string;
  rows: number;
  columns: number;
  differing: string[];
  largest: number;
  extentsMs: number;
};

/**
 * A dataset's default Excel export (sensitive columns redacted): widths from the header and
 * the first batch against widths from the extents of every row, and the extents' time.
 */
async function widthsOf(datasetId: number): Promise<WidthsRow> {
  const dataset = await findDataset(datasetId);
  if (!dataset) throw new Error(`dataset ${datasetId} is gone`);
  const plan = planExport(ZExportOptionsSchema.parse({}), dataset, { mayIncludeSensitive: false });
  const source = datasetSource(dataset);
  let first: RowBatch = [];
  for await (const batch of source.rows(plan)) {
    first = batch; // the writer's first batch (DEFAULT_BATCH_SIZE rows); return() ends the read
    break;
  }
  const fromRows = widthsFromRows(plan.columns, first);
  let extentsMs = Infinity;
  let exact: number[] = [];
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    const extents = await source.extents(plan);
    extentsMs = Math.min(extentsMs, performance.now() - started);
    exact = widthsFromExtents(plan.columns, extents);
  }
  const differing = plan.columns.flatMap((column, i) =>
    fromRows[i] === exact[i] ? [] : [`${column.key} ${fromRows[i]}→${exact[i]}`],
  );
  const largest = Math.max(0, ...exact.map((width, i) => Math.abs(width - fromRows[i]!)));
  return {
    title: dataset.title,
    rows: dataset.recordCount,
    columns: plan.columns.length,
    differing,
    largest,
    extentsMs,
  };
}

const wanted = (format: string, rows: number) =>
  only.length === 0 || only.includes(format) || only.includes(`${format}:${rows}`);
const wantHttp = only.length === 0 || only.includes("http");
const wantWidths = only.length === 0 || only.includes("widths");
if (wantHttp) requireBuild(); // before minutes of other cases

const db = await openBenchDatabase(log);
try {
  if (await isDatabaseEmpty(prisma())) await seedDemoData(prisma(), pgPool(), log);
  const datasetId = await ensureBenchDataset(prisma(), pgPool(), log, { rows: ROWS });
  const dataset = await prisma().dataset.findUniqueOrThrow({ where: { id: datasetId } });
  if (!dataset.rowsTable) throw new Error(`the benchmark dataset ${datasetId} has no rows table`);
  const full = ROWS === BENCH_ROWS;
  const goalNote = full ? "" : ` (goals are for ${count(BENCH_ROWS)} rows: checked only on cases at their full size)`;

  // Against a smaller dataset a case takes at most its rows; the same case twice runs once.
  const cases = CASES.filter((c) => wanted(c.format, c.rows))
    .map((c) => ({ ...c, nominal: c.rows, atFullSize: c.rows <= ROWS, rows: Math.min(c.rows, ROWS) }))
    .filter((c, i, all) => all.findIndex((o) => o.format === c.format && o.rows === c.rows) === i);

  // The yardstick only when a case is compared with it (`widths` alone is not).
  let copy: Yardstick | null = null;
  if (cases.length > 0 || wantHttp) {
    log(`Yardstick: PostgreSQL's COPY of ${count(ROWS)} rows, best of ${RUNS} …`);
    copy = await yardstick(dataset.rowsTable, ROWS);
    console.log(`\nYardstick, ${count(ROWS)} rows (best of ${RUNS}, bytes read in Node):`);
    console.log(`  ${copy.sql}`);
    console.log(
      `  ${copy.best.toFixed(2)} s, ${copy.megabytes.toFixed(1)} MB (runs: ${copy.seconds.map((s) => s.toFixed(2)).join(", ")} s)`,
    );
  }
  const ratioOf = (rows: number, seconds: number) => (copy && rows === copy.rows ? seconds / copy.best : null);
  const results: Array<{
    format: string;
    rows: number;
    runs: OneRun[];
    best: OneRun;
    goals: Goal[];
    checked: boolean;
  }> = [];
  // A case of fewer rows exports a dataset of exactly that many (made once, like the big one),
  // not a filtered part of the big one: a filter would add a scan of all its rows.
  const datasets = new Map<number, number>([[ROWS, datasetId]]);
  const datasetOf = async (rows: number) => {
    let id = datasets.get(rows);
    if (id === undefined) {
      id = await ensureBenchDataset(prisma(), pgPool(), log, { rows });
      datasets.set(rows, id);
    }
    return id;
  };
  for (const c of cases) {
    const caseDataset = await datasetOf(c.rows);
    const done: OneRun[] = [];
    for (let run = 1; run <= RUNS; run++) {
      log(`${c.format} ${count(c.rows)} rows, run ${run} of ${RUNS} …`);
      done.push(
        await runJsonChild<OneRun>(
          ["bench/export-one.ts", c.format, String(c.rows), String(caseDataset)],
          `${c.format} ${c.rows}`,
        ),
      );
    }
    const best = done.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    results.push({ format: c.format, rows: c.rows, runs: done, best, goals: c.goals, checked: c.atFullSize });
  }

  if (results.length > 0) {
    console.log(
      `\nFrom the database to bytes, every run in a fresh process: time, rows/s, MB and first byte of the fastest run, memory of the run that grew most (2 shared cores)${goalNote}:\n`,
    );
    console.log(
      "| format | rows | runs | best s | × yardstick | rows/s | MB | first byte ms | idle RSS MB | peak RSS MB | RSS growth MB | goal | met |",
    );
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|");
    for (const r of results) {
      const b = r.best;
      const ratio = ratioOf(b.rows, b.seconds);
      // Memory from the run that grew most (each run is a process of its own).
      const m = r.runs.reduce((x, y) => (y.peakRssMb - y.idleRssMb > x.peakRssMb - x.idleRssMb ? y : x));
      const growthMb = m.peakRssMb - m.idleRssMb;
      const measured = { seconds: b.seconds, ratio, growthMb };
      const met = r.goals.map((g) => (r.checked ? g.met(measured) : null));
      console.log(
        `| ${r.format} | ${count(b.rows)} | ${r.runs.length} | ${b.seconds.toFixed(2)} | ${ratio === null ? "—" : `${ratio.toFixed(2)}×`} | ${count(Math.round(b.rows / b.seconds))} | ${b.megabytes.toFixed(1)} | ${b.firstByteMs.toFixed(0)} | ${m.idleRssMb.toFixed(0)} | ${m.peakRssMb.toFixed(0)} | ${growthMb.toFixed(0)} | ${r.goals.map((g) => g.text).join(", ") || "—"} | ${met.map((ok) => (ok === null ? "not checked" : yesNo(ok))).join(", ") || "—"} |`,
      );
    }
    const multi = results.filter((r) => r.runs.length > 1);
    if (multi.length > 0) {
      console.log("\nAll runs, seconds:");
      for (const r of multi) {
        console.log(`  ${r.format} ${count(r.rows)}: ${r.runs.map((run) => run.seconds.toFixed(2)).join(", ")}`);
      }
    }
  }

  if (wantHttp) {
    log(`CSV of ${count(ROWS)} rows over HTTP (the built app on port 3200), ${HTTP_RUNS} runs …`);
    const runs = await overHttp(datasetId, dataset.ownerId, db.url);
    console.log(
      `\nCSV, ${count(ROWS)} rows over HTTP from the built app (${HTTP_RUNS} runs after a one-row export; the first warms up; server = its process tree)${goalNote}:\n`,
    );
    console.log(
      "| run | first byte ms | total s | × yardstick | MB | server RSS before MB | server peak MB | server RSS growth MB |",
    );
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|");
    const row = (label: string, r: HttpRun) => {
      const ratio = ratioOf(ROWS, r.seconds);
      console.log(
        `| ${label} | ${r.firstByteMs.toFixed(0)} | ${r.seconds.toFixed(2)} | ${ratio === null ? "—" : `${ratio.toFixed(2)}×`} | ${r.megabytes.toFixed(1)} | ${r.beforeMb.toFixed(0)} | ${r.peakMb.toFixed(0)} | ${r.growthMb.toFixed(0)} |`,
      );
    };
    runs.forEach((r, i) => row(String(i + 1), r));
    const warm = runs.slice(1);
    const best = warm.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    row(`best (run ${runs.indexOf(best) + 1}, fastest warm run)`, best);
    // Memory the first request takes and keeps counts too: the growth goal is checked on the largest.
    const largest = runs.reduce((a, b) => (b.growthMb > a.growthMb ? b : a));
    const ratio = best.seconds / copy!.best;
    console.log("\n| goal | measured | on | met |");
    console.log("|---|---:|---|---|");
    const goal = (text: string, measured: string, on: string, met: boolean) =>
      console.log(`| ${text} | ${measured} | ${on} | ${full ? yesNo(met) : "not checked"} |`);
    const bestRun = `run ${runs.indexOf(best) + 1} (fastest warm)`;
    goal(`total ≤ ${HTTP_GOALS.ratio}× yardstick`, `${ratio.toFixed(2)}×`, bestRun, ratio <= HTTP_GOALS.ratio);
    goal(
      `first byte ≤ ${HTTP_GOALS.firstByteMs} ms`,
      `${best.firstByteMs.toFixed(0)} ms`,
      bestRun,
      best.firstByteMs <= HTTP_GOALS.firstByteMs,
    );
    goal(
      `server RSS growth ≤ ${HTTP_GOALS.growthMb} MB`,
      `${largest.growthMb.toFixed(0)} MB`,
      `run ${runs.indexOf(largest) + 1} (largest growth)`,
      largest.growthMb <= HTTP_GOALS.growthMb,
    );
  }

  if (wantWidths) {
    const ids: number[] = [];
    for (const demo of DEMO_DATASETS) {
      const found = await prisma().dataset.findFirst({ where: { title: demo.title, rowsTable: { not: null } } });
      if (found) ids.push(found.id);
      else log(`the demo dataset "${demo.title}" is not in this database: skipped`);
    }
    ids.push(datasetId);
    log(`Excel widths: first batch against extents, ${ids.length} datasets …`);
    const measured: WidthsRow[] = [];
    for (const id of ids) measured.push(await widthsOf(id));
    console.log(
      "\nExcel column widths, default export (sensitive columns redacted): header + first batch of 5,000 rows against exact (extents over every row):\n",
    );
    console.log(
      "| dataset | rows | columns | columns differing | largest difference (chars) | extents ms (best of 3) | differing (first batch→exact) |",
    );
    console.log("|---|---:|---:|---:|---:|---:|---|");
    for (const w of measured) {
      console.log(
        `| ${w.title} | ${count(w.rows)} | ${w.columns} | ${w.differing.length} | ${w.largest} | ${w.extentsMs.toFixed(1)} | ${w.differing.join(", ") || "—"} |`,
      );
    }
  }
} finally {
  await disconnectPrisma();
  await closePgPool();
  await db.stop();
}
