// The fault of a database restart: PostgreSQL (the separately-run server of the scale-out
// test) is restarted while an export job runs. The worker process lives through it; the job
// completes with a file whose hash matches (retried if its attempt lost its connection);
// the web process answers again without being restarted (health, then a new export). Needs TEST_SCALE_DATABASE_URL and TEST_SCALE_PG_DIR (.ci/run sets both); without
// them it is skipped with the reason printed. Runs after the scale-out test, never beside it.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "@/bench/cluster";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";

const SERVER_URL = process.env.TEST_SCALE_DATABASE_URL;
const SERVER_DIR = process.env.TEST_SCALE_PG_DIR;
if (!SERVER_URL || !SERVER_DIR) {
  console.warn(
    "PostgreSQL restart test skipped: TEST_SCALE_DATABASE_URL and TEST_SCALE_PG_DIR are not both set (.ci/run sets them; locally: scripts/ci-postgres.sh DIR).",
  );
}

const PORT = 3173;
let cluster: Cluster;
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
    cluster = await startCluster({
      serverUrl: SERVER_URL ?? "",
      name: "restart",
      webPorts: [PORT],
      workers: 1,
      users: 1,
      env: { OUTPORT_JOB_LEASE_SECONDS: "4", OUTPORT_JOB_HEARTBEAT_MS: "500", OUTPORT_JOB_MAX_ATTEMPTS: "10" },
    });
    token = cluster.users[0]?.token ?? "";
    datasetId = (await prisma().dataset.findFirstOrThrow({ where: { title: "All Students 2024-2025" } })).id;
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 120_000);

  it("retries the running job, which completes whole, and the web process recovers by itself", async () => {
    const asked = await fetch(`${cluster.webs[0]?.base}/api/export/async`, {
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
    if (done?.status !== "completed") console.log(cluster.log.slice(-60).join("\n"));
    expect(done?.status).toBe("completed");
    // The attempt running at the restart either failed and ran again, or (its reads being
    // separate queries) rode it out; either way the worker process lived through it.
    expect(done?.attempts).toBeGreaterThanOrEqual(1);
    expect(cluster.workers[0]?.exitCode, cluster.log.slice(-30).join("\n")).toBeNull();
    expect(cluster.workers[0]?.signalCode).toBeNull();
    const bytes = readFileSync(path.join(cluster.exportDir, done?.storage_key ?? ""));
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(done?.sha256);

    // The same web process, never restarted, answers again: health, then a new small export.
    let health = 0;
    for (let i = 0; i < 50 && health !== 200; i++) {
      health = await fetch(`${cluster.webs[0]?.base}/api/health`)
        .then((r) => r.status)
        .catch(() => 0);
      if (health !== 200) await sleep(200);
    }
    expect(health).toBe(200);
    const q1 = (await prisma().dataset.findFirstOrThrow({ where: { title: "Q1 Sales" } })).id;
    const again = await fetch(`${cluster.webs[0]?.base}/api/export/csv/${q1}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(again.status).toBe(200);
    expect((await again.text()).trim().split("\n")).toHaveLength(3501);
  }, 240_000);
});
