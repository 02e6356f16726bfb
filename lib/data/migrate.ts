// Applies the committed migrations (prisma/migrations) with the Prisma CLI, whose driver
// adapter shim lives in prisma.config.ts. Skips the ~3 s CLI run when every migration is
// already recorded as applied.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";

const MIGRATIONS_DIR = path.resolve("prisma/migrations");

export function committedMigrations(): string[] {
  return readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Every table the committed migrations create (and do not drop again): the app's own tables. */
export function migratedTables(): string[] {
  const tables = new Set<string>();
  for (const name of committedMigrations()) {
    const sql = readFileSync(path.join(MIGRATIONS_DIR, name, "migration.sql"), "utf8");
    for (const [, table] of sql.matchAll(/CREATE TABLE "([^"]+)"/g)) if (table) tables.add(table);
    for (const [, table] of sql.matchAll(/DROP TABLE (?:IF EXISTS )?"([^"]+)"/g)) if (table) tables.delete(table);
  }
  return [...tables];
}

async function appliedMigrations(url: string): Promise<Set<string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT migration_name AS name FROM _prisma_migrations
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    return new Set(rows.map((row) => row.name));
  } catch {
    return new Set(); // no _prisma_migrations table yet: an empty database
  } finally {
    await client.end();
  }
}

/** Runs the Prisma CLI with the environment every CLI command needs here. */
export function runPrismaCli(args: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

export async function applyMigrations(url: string): Promise<{ applied: boolean }> {
  const done = await appliedMigrations(url);
  if (committedMigrations().every((name) => done.has(name))) return { applied: false };
  const { code, output } = await runPrismaCli(["migrate", "deploy"], { DATABASE_URL: url });
  if (code !== 0) throw new Error(`Applying database migrations failed:\n${output.trim()}`);
  return { applied: true };
}
