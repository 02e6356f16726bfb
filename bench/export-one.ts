// One benchmark case in its own process (so its peak RSS is its own): exports the
// benchmark dataset in a format, from the database to bytes (discarded), and prints
// one JSON line of results. Run by bench/export.ts.
import { closePgPool } from "../lib/data/pg";
import { ZExportOptionsSchema } from "../lib/export/options";
import { planExport } from "../lib/export/plan";
import { runExport } from "../lib/export/run-export";
import { findDataset } from "../lib/datasets/dataset-store";
import { datasetSource } from "../lib/sources";

const [format, rowsArg, datasetIdArg] = process.argv.slice(2);
const rows = Number(rowsArg);
const dataset = await findDataset(Number(datasetIdArg));
if (!dataset) throw new Error(`no dataset ${datasetIdArg}`);
const columns = dataset.columns;

const options = ZExportOptionsSchema.parse(
  rows < 1_000_000 ? { filters: [{ column: "ref", op: "lte", value: `B-${String(rows).padStart(7, "0")}` }] } : {},
);
const plan = planExport(options, { columns, dateColumn: "day" }, { mayIncludeSensitive: true });
const source = datasetSource(dataset);
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
