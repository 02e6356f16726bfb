// Brings a database up for a process that owns it (the launcher, `npm run db:seed`,
// benchmarks): the server at DATABASE_URL when set, otherwise the embedded PostgreSQL
// under var/; then applies the committed migrations and moves any release-1 rows into
// their typed tables (move-records.ts), then sweeps what imports that never committed left
// (lib/datasets/import-cleanup.ts).
import path from "node:path";
import { varDir } from "../config";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { applyMigrations } from "./migrate";
import { sweepImports } from "../datasets/import-cleanup";
import { moveRecordsToTypedTables } from "./move-records";

export type OpenDatabase = { url: string; embedded: boolean; stop: () => Promise<void> };

export async function openDatabase(log: (line: string) => void): Promise<OpenDatabase> {
  const external = process.env.DATABASE_URL;
  let db: OpenDatabase;
  if (external) {
    db = { url: external, embedded: false, stop: async () => {} };
    log(`Using the PostgreSQL at DATABASE_URL (${redactUrl(external)}).`);
  } else {
    const embedded = await startEmbeddedPostgres({ dataDir: path.join(varDir(), "postgres"), log });
    db = { url: embedded.url, embedded: true, stop: embedded.stop };
    log(
      `Embedded PostgreSQL running on 127.0.0.1:${embedded.port} (data in ${path.relative(process.cwd(), embedded.dataDir) || "."}).`,
    );
    process.env.DATABASE_URL = embedded.url;
  }
  try {
    const { applied } = await applyMigrations(db.url);
    if (applied) log("Database migrations applied.");
    // Release 1's rows, if any are left, into their typed tables (resumes an interrupted move).
    await moveRecordsToTypedTables(log);
    // Tables no dataset names, datasets of imports that are over, and their uploads.
    const swept = await sweepImports();
    if (swept.tables.length || swept.datasets.length || swept.uploads || swept.rejectedFiles) {
      log(
        `Swept what unfinished imports left: ${swept.tables.length} tables, ${swept.datasets.length} datasets, ${swept.uploads} uploads, ${swept.rejectedFiles} rejected-rows files.`,
      );
    }
  } catch (error) {
    await db.stop();
    throw error;
  }
  return db;
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
