// Global setup of the `db` test project: one PostgreSQL for the whole run, migrated and
// seeded with the demo data. The embedded server in a temporary directory by default;
// with TEST_DATABASE_URL, a fresh database on that server (dropped afterwards).
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../lib/data/embedded-postgres";
import { applyMigrations } from "../../lib/data/migrate";
import { closePgPool, pgPool } from "../../lib/data/pg";
import { disconnectPrisma, prisma } from "../../lib/data/prisma";
import { seedDemoData } from "../../lib/data/seed/seed";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    /** A copy of the seeded database for the job tests, whose workers must not see others' jobs. */
    jobsDatabaseUrl: string;
    /** A copy for the history tests, which count every export they can see. */
    historyDatabaseUrl: string;
    /** A copy for the PDF report tests, which run their jobs themselves. */
    pdfDatabaseUrl: string;
    /** For the files that add datasets of their own (the others count the demo's six). */
    sourcesDatabaseUrl: string;
    /** For the token tests, which spend a user's export rate limit on purpose. */
    tokensDatabaseUrl: string;
    /** For the user-management tests, which create, demote and deactivate users. */
    usersDatabaseUrl: string;
    /** Scheduled exports: their runs spend the demo users' export limits and run the clock. */
    schedulesDatabaseUrl: string;
    /** Scheduled runs: the clock claims every due schedule of its database, so they have their own. */
    scheduleRunsDatabaseUrl: string;
    /** For the API document's answers, whose export must not meet other files' rate limits. */
    apiDocDatabaseUrl: string;
  }
}

async function externalDatabase(serverUrl: string) {
  const name = `outport_test_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    stop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      for (const copy of ["jobs", "history", "pdf", "sources", "tokens", "users", "apidoc"]) {
        await client.query(`DROP DATABASE IF EXISTS "${name}_outport_${copy}" WITH (FORCE)`);
      }
      await client.end();
    },
  };
}

async function embeddedDatabase() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "outport-test-"));
  await chmod(dir, 0o755); // PostgreSQL runs as another OS user when we are root
  const server = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg") });
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A copy of a database on the same server (CREATE DATABASE … TEMPLATE: a file copy). */
async function copyDatabase(sourceUrl: string, suffix: string): Promise<string> {
  const source = new URL(sourceUrl);
  const from = decodeURIComponent(source.pathname.slice(1));
  const name = `${from}_${suffix}`;
  const admin = new URL(sourceUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    // A database with a session cannot be a template. Nothing of the run uses the seeded
    // database yet, but a pool's idle connections (Prisma's adapter keeps its own) can
    // outlive their pool by seconds: end them, and wait for a closing one to go.
    for (let attempt = 1; ; attempt++) {
      await client.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [from],
      );
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${from}"`);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== "55006" || attempt === 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    await client.end();
  }
  const copy = new URL(sourceUrl);
  copy.pathname = `/${name}`;
  return copy.toString();
}

/**
 * embedded-postgres registers async-exit-hook when it loads, which on `beforeExit` calls
 * process.exit(0): vitest's exit code for failed tests was thrown away, and a run with
 * failing database tests exited 0. This setup stops its server itself (the teardown
 * below), so the hook's `beforeExit` and `exit` events go; on a signal it still stops it.
 */
function keepVitestExitCode(): void {
  const hook = createRequire(import.meta.url)("async-exit-hook") as { unhookEvent(event: string): void };
  hook.unhookEvent("beforeExit");
  hook.unhookEvent("exit");
}

export default async function setup(project: TestProject) {
  keepVitestExitCode();
  const external = process.env.TEST_DATABASE_URL;
  const db = external ? await externalDatabase(external) : await embeddedDatabase();
  try {
    await applyMigrations(db.url);
    process.env.DATABASE_URL = db.url;
    await seedDemoData(prisma(), pgPool());
  } catch (error) {
    await db.stop();
    throw error;
  } finally {
    await disconnectPrisma();
    await closePgPool();
  }
  const jobsUrl = await copyDatabase(db.url, "outport_jobs");
  const historyUrl = await copyDatabase(db.url, "outport_history");
  const pdfUrl = await copyDatabase(db.url, "outport_pdf");
  const sourcesUrl = await copyDatabase(db.url, "outport_sources");
  const tokensUrl = await copyDatabase(db.url, "outport_tokens");
  const usersUrl = await copyDatabase(db.url, "outport_users");
  const apiDocUrl = await copyDatabase(db.url, "outport_apidoc");
  const schedulesUrl = await copyDatabase(db.url, "outport_schedules");
  const scheduleRunsUrl = await copyDatabase(db.url, "outport_schedule_runs");
  project.provide("databaseUrl", db.url);
  project.provide("jobsDatabaseUrl", jobsUrl);
  project.provide("historyDatabaseUrl", historyUrl);
  project.provide("pdfDatabaseUrl", pdfUrl);
  project.provide("sourcesDatabaseUrl", sourcesUrl);
  project.provide("tokensDatabaseUrl", tokensUrl);
  project.provide("usersDatabaseUrl", usersUrl);
  project.provide("apiDocDatabaseUrl", apiDocUrl);
  project.provide("schedulesDatabaseUrl", schedulesUrl);
  project.provide("scheduleRunsDatabaseUrl", scheduleRunsUrl);
  return db.stop;
}
