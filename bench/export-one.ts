// One run of one benchmark case in a fresh process (so its memory is its own): exports the
// benchmark dataset in a format, from the database to bytes (discarded), and prints one
// JSON line of results. Run by bench/export.ts: `export-one.ts <format> <rows> <dataset id>`;
// fewer rows than the dataset has are taken by a filter on its reference column.
import { closePgPool, pgPool } from "../lib/data/pg";
import { findDataset } from "../lib/datasets/dataset-store";
import { ZExportOptionsSchema } from "../lib/export/options";
import { planExport } from "../lib/export/plan";
import { runExport } from "../lib/export/run-export";
import { datasetSource } from "../lib/sources";
import { startPeakRss } from "./peak-rss";

/** What bench/export.ts reads back from the last line of stdout. */
export type OneRun = {
  format: string;
  rows: number;
  seconds: number;
  megabytes: number;
  firstByteMs: number;
  idleRssMb: number;
  peakRssMb: number;
};

const [format = "", rowsArg, datasetIdArg] = process.argv.slice(2);
const rows = Number(rowsArg);
const dataset = await findDataset(Number(datasetIdArg));
if (!dataset) throw new Error(`no dataset ${datasetIdArg}`);

const options = ZExportOptionsSchema.parse(
  rows < dataset.recordCount
    ? { filters: [{ column: "ref", op: "lte", value: `B-${String(rows).padStart(7, "0")}` }] }
    : {},
);
const plan = planExport(options, { columns: dataset.columns, dateColumn: "day" }, { mayIncludeSensitive: true });
const source = datasetSource(dataset);

// Idle: everything imported and the pool's connection open, before the export starts.
await pgPool().query("SELECT 1");
const meter = startPeakRss();
const { idleRssMb } = meter;

const started = performance.now();
const { bytes, stats } = runExport({
  format: format as "csv",
  columns: plan.columns,
  source: source.rows(plan),
  copy: {
    csv: (dialect) => source.csv(plan, dialect),
    text: () => source.text(plan),
    redacted: plan.columns.map((c) => c.redacted),
  },
  options,
  info: { datasetTitle: "Benchmark", filters: "none", user: "bench", generatedAt: new Date() },
  // Excel's column widths measured over every row, as openExport asks for them;
  // BENCH_EXCEL_WIDTHS=first-batch measures the workbook with widths from its first rows.
  excel: process.env.BENCH_EXCEL_WIDTHS === "first-batch" ? undefined : { extents: () => source.extents(plan) },
});
let firstByteMs = 0;
for await (const chunk of bytes) {
  if (!firstByteMs && chunk.byteLength > 0) firstByteMs = performance.now() - started;
}
const seconds = (performance.now() - started) / 1000;
const peakRssMb = meter.stop();
await closePgPool();

const result: OneRun = {
  format,
  rows: stats.rows,
  seconds,
  megabytes: stats.bytes / 1e6,
  firstByteMs,
  idleRssMb,
  peakRssMb,
};
console.log(JSON.stringify(result));
