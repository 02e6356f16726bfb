// What /api/metrics answers, in the Prometheus text format: this process's own Node
// metrics (prom-client's defaults, in a registry of ours rather than the library's global
// one), and the installation's export, download and import totals, queue depths and live
// workers, read from the database at scrape time — so every web process answers the same
// numbers for the whole installation, whichever worker did the work.
import client, { Counter, Gauge, Registry, type Metric } from "prom-client";
import { config } from "../config";
import { JOB_TYPES } from "../job-types";
import { liveWorkerProcesses } from "../jobs/worker-registry";
import { queueDepths, type JobType } from "./check-health";
import {
  DURATION_BUCKETS,
  readDownloadTotals,
  readExportDurations,
  readExportTotals,
  readImportTotals,
  type DurationTotals,
} from "./read-job-totals";

const globalForMetrics = globalThis as unknown as { outportProcessRegistry?: Registry };

/** This process's registry, with the default Node metrics, made once per process. */
function processRegistry(): Registry {
  if (!globalForMetrics.outportProcessRegistry) {
    const registry = new Registry();
    client.collectDefaultMetrics({ register: registry, prefix: "outport_" });
    globalForMetrics.outportProcessRegistry = registry;
  }
  return globalForMetrics.outportProcessRegistry;
}

/**
 * A histogram whose buckets are already counted (by the database): prom-client's own
 * Histogram only observes values one at a time, so this hands the registry the same shape
 * its Histogram's get() would.
 */
function countedHistogram(name: string, help: string, totals: DurationTotals): Metric {
  const values = totals.flatMap(({ format, count, sum, buckets }) => [
    ...DURATION_BUCKETS.map((bound, i) => ({
      metricName: `${name}_bucket`,
      labels: { le: bound, format },
      value: buckets[i] ?? 0,
    })),
    { metricName: `${name}_bucket`, labels: { le: "+Inf", format }, value: count },
    { metricName: `${name}_sum`, labels: { format }, value: sum },
    { metricName: `${name}_count`, labels: { format }, value: count },
  ]);
  const metric = {
    name,
    help,
    type: "histogram",
    aggregator: "sum",
    get: async () => ({ name, help, type: "histogram", aggregator: "sum", values }),
    reset: () => {},
  };
  // The registry reads only name, type and get() of what it is given.
  return metric as unknown as Metric;
}

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** The metrics text for one scrape. */
export async function scrapeMetrics(): Promise<string> {
  const [exports, durations, downloads, imports, depths, workers] = await Promise.all([
    readExportTotals(),
    readExportDurations(),
    readDownloadTotals(),
    readImportTotals(),
    queueDepths(),
    liveWorkerProcesses(config.jobs.leaseSeconds),
  ]);
  const registry = new Registry();
  const counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });

  const exportsTotal = counter("outport_exports_total", "Exports asked for, by format, status and delivery.", [
    "format",
    "status",
    "delivery",
  ]);
  const rowsTotal = counter("outport_export_rows_total", "Rows written by finished exports.", ["format"]);
  const bytesTotal = counter("outport_export_bytes_total", "Bytes of the files of finished exports.", ["format"]);
  for (const row of exports) {
    exportsTotal.inc({ format: row.format, status: row.status, delivery: row.delivery }, row.count);
    if (row.rows > 0) rowsTotal.inc({ format: row.format }, row.rows);
    if (row.bytes > 0) bytesTotal.inc({ format: row.format }, row.bytes);
  }
  registry.registerMetric(
    countedHistogram("outport_export_duration_seconds", "How long finished exports took to write.", durations),
  );

  const downloadsTotal = counter("outport_downloads_total", "Downloads of stored export files, by result.", ["result"]);
  downloadsTotal.inc({ result: "served" }, downloads.served);
  downloadsTotal.inc({ result: "integrity_failure" }, downloads.integrityFailure);

  const importsTotal = counter("outport_imports_total", "Imports of uploaded files, by status.", ["status"]);
  for (const row of imports) importsTotal.inc({ status: row.status }, row.count);

  const queueDepth = gauge("outport_queue_depth", "Jobs waiting for a worker or running, by type.", ["type", "state"]);
  const activeJobs = gauge("outport_active_jobs", "Jobs running on a worker now, by type.", ["type"]);
  for (const type of Object.keys(JOB_TYPES) as JobType[]) {
    queueDepth.set({ type, state: "pending" }, depths[type].pending);
    queueDepth.set({ type, state: "processing" }, depths[type].processing);
    activeJobs.set({ type }, depths[type].processing);
  }
  gauge("outport_live_workers", "Worker processes whose heartbeat is recent.").set(workers.length);

  return Registry.merge([registry, processRegistry()]).metrics();
}
