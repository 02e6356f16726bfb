// One benchmark case in its own process (so its peak RSS is its own): exports the
// benchmark dataset in a format, from the database to bytes (discarded), and prints
// one JSON line of results. Run by bench/export.ts.
import { closePgPool } from "../lib/data/pg";
import { ZExportOptionsSchema } from "../lib/export/options";
import { planExport } from "../lib/export/plan";
import { runExport } from "../lib/export/run-export";
import type { ColumnType } from "../lib/export/types";
import { datasetSource } from "../lib/sources";

const [format, rowsArg, datasetIdArg, columnsJson] = process.argv.slice(2);
const rows = Number(rowsArg);
const datasetId = Number(datasetIdArg);
const columns = JSON.parse(columnsJson ?? "[]") as Array<{
  key: string;
  label: string;
  type: ColumnType;
  sensitive: boolean;
}>;

const options = ZExportOptionsSchema.parse(
  rows < 1_000_000 ? { filters: [{ column: "ref", op: "lte", value: `B-${String(rows).padStart(7, "0")}` }] } : {},
);
const plan = planExport(options, { columns, dateColumn: "day" }, { mayIncludeSensitive: true });
const started = performance.now();
const { bytes, stats } = runExport({
  format: format as "csv",
  columns: plan.columns,
  source: datasetSource({ id: datasetId, categoryColumn: null, dateColumn: "day", columns }).rows(plan),
  options,
  info: { datasetTitle: "Benchmark", filters: "none", user: "bench", generatedAt: new Date() },
});
let firstByteMs = 0;
for await (const chunk of bytes) {
  if (!firstByteMs && chunk.byteLength > 0) firstByteMs = performance.now() - started;
}
const seconds = (performance.now() - started) / 1000;
await closePgPool();
console.log(
  JSON.stringify({
    format,
    rows: stats.rows,
    seconds,
    rowsPerSecond: Math.round(stats.rows / seconds),
    megabytes: stats.bytes / 1e6,
    firstByteMs: Math.round(firstByteMs),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
