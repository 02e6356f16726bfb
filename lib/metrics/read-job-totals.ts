// The installation's totals for the metrics, read from the job tables at scrape time (so
// any web process answers for every process): each one aggregate query over its table,
// grouped, never a row at a time. The tables' owners write them; this only reads.
import { pgPool } from "../data/pg";

/** Upper bounds (seconds) of the export duration histogram. */
export const DURATION_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800] as const;

export type ExportTotals = Array<{
  format: string;
  status: string;
  delivery: string;
  count: number;
  rows: number;
  bytes: number;
}>;
export type DurationTotals = Array<{ format: string; count: number; sum: number; buckets: number[] }>;

export async function readExportTotals(): Promise<ExportTotals> {
  // Only exports that ended count, so every series only grows: one whose file has expired
  // since still counts as completed (as it did before it expired), and pending or running
  // ones are the queue gauges'. Rows and bytes count the exports that made their file.
  const { rows } = await pgPool().query<{
    format: string;
    status: string;
    delivery: string;
    count: string;
    rows: string | null;
    bytes: string | null;
  }>(
    `SELECT format::text AS format,
            CASE WHEN status = 'expired' THEN 'completed' ELSE status::text END AS status,
            delivery::text AS delivery, count(*) AS count,
            sum(processed_rows) FILTER (WHERE status IN ('completed', 'expired')) AS rows,
            sum(file_size) FILTER (WHERE status IN ('completed', 'expired')) AS bytes
       FROM export_jobs WHERE status IN ('completed', 'expired', 'failed', 'cancelled')
      GROUP BY 1, 2, 3`,
  );
  return rows.map((row) => ({
    format: row.format,
    status: row.status,
    delivery: row.delivery,
    count: Number(row.count),
    rows: Number(row.rows ?? 0),
    bytes: Number(row.bytes ?? 0),
  }));
}

/** How long finished exports took, bucketed per format (cumulative counts, as Prometheus has them). */
export async function readExportDurations(): Promise<DurationTotals> {
  const buckets = DURATION_BUCKETS.map((bound, i) => `count(*) FILTER (WHERE d <= ${bound}) AS b${i}`).join(", ");
  const { rows } = await pgPool().query<Record<string, string>>(
    `SELECT format, count(*) AS count, coalesce(sum(d), 0) AS sum, ${buckets}
       FROM (SELECT format::text AS format, extract(epoch FROM finished_at - started_at)::float8 AS d
               FROM export_jobs
              WHERE status IN ('completed', 'expired') AND started_at IS NOT NULL AND finished_at IS NOT NULL) t
      GROUP BY format`,
  );
  return rows.map((row) => ({
    format: row.format ?? "",
    count: Number(row.count),
    sum: Number(row.sum),
    buckets: DURATION_BUCKETS.map((_, i) => Number(row[`b${i}`])),
  }));
}

/** Imports that ended, by how (running ones are the queue gauges'). */
export async function readImportTotals(): Promise<Array<{ status: string; count: number }>> {
  const { rows } = await pgPool().query<{ status: string; count: string }>(
    `SELECT status::text, count(*) AS count FROM import_jobs
      WHERE status IN ('completed', 'failed', 'cancelled') GROUP BY status`,
  );
  return rows.map((row) => ({ status: row.status, count: Number(row.count) }));
}

/**
 * Downloads of stored export files: served (recorded with the download) and refused
 * because the file was missing or its bytes did not match their hash (audited).
 */
export async function readDownloadTotals(): Promise<{ served: number; integrityFailure: number }> {
  const { rows } = await pgPool().query<{ served: string; refused: string }>(
    `SELECT (SELECT count(*) FROM export_downloads) AS served,
            (SELECT count(*) FROM audit_events WHERE action = 'integrity_failure') AS refused`,
  );
  return { served: Number(rows[0]?.served ?? 0), integrityFailure: Number(rows[0]?.refused ?? 0) };
}
