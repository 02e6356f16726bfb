// The fault of a database restart: PostgreSQL (the separately-run server of the scale-out
// test) is restarted while an export job runs. The worker process lives through it; the job
// completes with a file whose hash matches (retried if its attempt lost its connection);
// the web process answers again without being restarted (health, then a new export). Needs TEST_SCALE_DATABASE_URL and TEST_SCALE_PG_DIR (.ci/run sets both); without
// them it is skipped with the reason printed. Runs after the scale-out test, never beside it.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireBuild, startApp, type RunningApp } from "@/bench/support";
import { applyMigrations } from "@/lib/data/migrate";
import { closePgPool, pgPool } from "@/lib/data/pg";
import { disconnectPrisma, prisma } from "@/lib/data/prisma";
import { seedDemoData } from "@/lib/data/seed/seed";
import { stopJobQueue } from "@/lib/jobs/queue";
import { createToken } from "@/lib/tokens/tokens";

const SERVER_URL = process.env.TEST_SCALE_DATABASE_URL;
const SERVER_DIR = process.env.TEST_SCALE_PG_DIR;
if (!SERVER_URL || !SERVER_DIR) {
  console.warn(
    "PostgreSQL restart test skipped: TEST_SCALE_DATABASE_URL and TEST_SCALE_PG_DIR are not both set (.ci/run sets them; locally: scripts/ci-postgres.sh DIR).",
  );
}

const PORT = 3173;
const exportDir = mkdtempSync(path.join(os.tmpdir(), "outport-restart-exports-"));
const varDir = mkdtempSync(path.join(os.tmpdir(), "outport-restart-var-"));
const databaseName = `outport_restart_${process.pid}`;
let databaseUrl = "";
let web: RunningApp | undefined;
let worker: ChildProcess | undefined;
const workerLog: string[] = [];
let token = "";
let datasetId = 0;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads the database, riding out the moments it is down. */
async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  for (let i = 0; ; i++) {
    try {
      return (await pgPool().query<T>(text, values)).rows;
    } catch (error) {
      if (i > 100) throw error;
      await sleep(200);
    }
  }
}

describe.skipIf(!SERVER_URL || !SERVER_DIR)("PostgreSQL restarted mid-export", () => {
  beforeAll(async () => {
    requireBuild();
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${databaseName}"`);
    await admin.end();
    const url = new URL(SERVER_URL ?? "");
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
    process.env.DATABASE_URL = databaseUrl;
    await applyMigrations(databaseUrl);
    await seedDemoData(prisma(), pgPool());
    const user = await prisma().user.findUniqueOrThrow({ where: { email: "admin@outport.local" } });
    token = (
      await createToken(
        { id: user.id, email: user.email, name: user.name, role: "admin", credential: { kind: "session" } },
        { name: "restart", scope: "export" },
      )
    ).token;
    datasetId = (await prisma().dataset.findFirstOrThrow({ where: { title: "All Students 2024-2025" } })).id;
    const env = {
      DATABASE_URL: databaseUrl,
      OUTPORT_EXPORT_DIR: exportDir,
      OUTPORT_VAR_DIR: varDir,
      OUTPORT_WORKERS: "0",
      OUTPORT_JOB_LEASE_SECONDS: "4",
      OUTPORT_JOB_HEARTBEAT_MS: "500",
      OUTPORT_JOB_MAX_ATTEMPTS: "10",
    };
    web = await startApp(PORT, databaseUrl, env);
    worker = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) => workerLog.push(...chunk.toString().split("\n").filter(Boolean));
    worker.stdout?.on("data", keep);
    worker.stderr?.on("data", keep);
  }, 300_000);

  afterAll(async () => {
    await web?.stop();
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker?.once("exit", resolve));
      worker.kill("SIGTERM");
      await exited;
    }
    await stopJobQueue({ graceful: false }).catch(() => {});
    await closePgPool();
    await disconnectPrisma();
    if (SERVER_URL) {
      const admin = new pg.Client({ connectionString: SERVER_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
      await admin.end();
    }
    rmSync(exportDir, { recursive: true, force: true });
    rmSync(varDir, { recursive: true, force: true });
  }, 120_000);

  it("retries the running job, which completes whole, and the web process recovers by itself", async () => {
    const asked = await fetch(`${web?.base}/api/export/async`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ dataset_id: datasetId, format: "excel", options: {} }),
    });
    expect(asked.status, await asked.clone().text()).toBe(202);
    const { job_id: jobId } = (await asked.json()) as { job_id: string };

    // Mid-export: rows written, not done.
    for (;;) {
      const [row] = await query<{ status: string; processed_rows: number }>(
        `SELECT status::text, processed_rows FROM export_jobs WHERE id = $1`,
        [jobId],
      );
      if (row?.status === "processing" && row.processed_rows > 0) break;
      expect(row?.status).not.toBe("completed");
      await sleep(50);
    }
    await promisify(execFile)("scripts/ci-postgres.sh", ["restart", SERVER_DIR ?? ""]);

    // The job ends completed, after more than one attempt, its file whole.
    let done: { status: string; attempts: number; sha256: string | null; storage_key: string | null } | undefined;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      [done] = await query<{ status: string; attempts: number; sha256: string | null; storage_key: string | null }>(
        `SELECT status::text, attempts, sha256, storage_key FROM export_jobs WHERE id = $1`,
        [jobId],
      );
      if (done && done.status !== "pending" && done.status !== "processing") break;
      await sleep(250);
    }
    console.log(`postgres restart: job ${jobId} ended ${done?.status} after ${done?.attempts} attempts`);
    if (done?.status !== "completed") console.log(workerLog.slice(-60).join("\n"));
    expect(done?.status).toBe("completed");
    // The attempt running at the restart either failed and ran again, or (its reads being
    // separate queries) rode it out; either way the worker process lived through it.
    expect(done?.attempts).toBeGreaterThanOrEqual(1);
    expect(worker?.exitCode, workerLog.slice(-30).join("\n")).toBeNull();
    expect(worker?.signalCode).toBeNull();
    const bytes = readFileSync(path.join(exportDir, done?.storage_key ?? ""));
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(done?.sha256);

    // The same web process, never restarted, answers again: health, then a new small export.
    let health = 0;
    for (let i = 0; i < 50 && health !== 200; i++) {
      health = await fetch(`${web?.base}/api/health`)
        .then((r) => r.status)
        .catch(() => 0);
      if (health !== 200) await sleep(200);
    }
    expect(health).toBe(200);
    const q1 = (await prisma().dataset.findFirstOrThrow({ where: { title: "Q1 Sales" } })).id;
    const again = await fetch(`${web?.base}/api/export/csv/${q1}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(again.status).toBe(200);
    expect((await again.text()).trim().split("\n")).toHaveLength(3501);
  }, 240_000);
});
