// A job table of a test's own job type: the lifecycle columns the job runtime owns
// (lib/jobs/job-table.ts), then the type's own columns, if any.
import { pgPool } from "@/lib/data/pg";

export async function createTestJobTable(table: string, ownColumns = ""): Promise<void> {
  await pgPool().query(`
    CREATE TABLE IF NOT EXISTS ${table} (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      status text NOT NULL DEFAULT 'pending',
      attempts int NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz, heartbeat_at timestamptz, finished_at timestamptz,
      error_message text,
      progress int NOT NULL DEFAULT 0, processed_rows int NOT NULL DEFAULT 0, total_rows int, eta_seconds int
      ${ownColumns ? `, ${ownColumns}` : ""}
    )`);
}
