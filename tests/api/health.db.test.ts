// GET /api/health on the real PostgreSQL: the database and the export store checked, the
// queue depth counted from the job tables, the worker processes that heartbeat listed, and
// a 503 naming the part that failed — with no path or error text in the answer.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { GET } from "@/app/api/health/route";
import { pgPool } from "@/lib/data/pg";
import { LocalExportStore, type ExportStore } from "@/lib/files/export-store";
import { defineJob } from "@/lib/jobs/job-definition";
import { stopJobQueue } from "@/lib/jobs/queue";
import { startWorker, type Worker } from "@/lib/jobs/worker";
import { checkHealth } from "@/lib/metrics/check-health";
import { routeContext } from "../helpers/auth";
import { createTestJobTable } from "../helpers/job-table";

const dir = mkdtempSync(path.join(os.tmpdir(), "outport-health-"));
const savedDir = process.env.OUTPORT_EXPORT_DIR;
process.env.OUTPORT_EXPORT_DIR = path.join(dir, "exports");

const TABLE = "test_health_jobs";
const QUEUE = "test-health";

/** A job type of this file's own, on its own table: its worker never takes another's jobs. */
const idleJob = defineJob({
  name: QUEUE,
  table: TABLE,
  payload: z.object({}),
  async run() {},
});

type HealthBody = {
  status: string;
  failing: string[];
  database: { status: string; ms: number };
  storage: { status: string; kind: string; ms: number };
  queue: { pending: number; processing: number; by_type: Record<string, { pending: number; processing: number }> };
  workers: { live: number; processes: Array<{ host: string; pid: number; job_types: string[]; concurrency: number }> };
};

async function health(): Promise<{ status: number; body: HealthBody; text: string }> {
  const response = await GET(new Request("http://127.0.0.1:3000/api/health"), routeContext({}));
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as HealthBody, text };
}

beforeAll(async () => {
  await createTestJobTable(TABLE);
});

afterAll(async () => {
  await pgPool().query(`DROP TABLE IF EXISTS ${TABLE}`);
  await stopJobQueue({ graceful: false });
  if (savedDir === undefined) delete process.env.OUTPORT_EXPORT_DIR;
  else process.env.OUTPORT_EXPORT_DIR = savedDir;
  rmSync(dir, { recursive: true, force: true });
});

describe("GET /api/health", () => {
  it("reports the database and the local export store as working", async () => {
    const { status, body, text } = await health();
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: "ok",
      failing: [],
      database: { status: "ok" },
      storage: { status: "ok", kind: "local" },
    });
    expect(body.database.ms).toBeGreaterThanOrEqual(0);
    expect(Object.keys(body.queue.by_type).sort()).toEqual(["export", "import", "schedule-run"]);
    // No folder, URL or credential leaves the server.
    expect(text).not.toContain(dir);
    expect(text).not.toMatch(/postgres(ql)?:\/\//);
  });

  it("counts a pending export job in the queue depth", async () => {
    const before = (await health()).body.queue.by_type.export!.pending;
    const { rows } = await pgPool().query<{ id: string }>(
      `INSERT INTO export_jobs (id, user_id, dataset_id, format, options, status)
       SELECT gen_random_uuid(), u.id, d.id, 'csv', '{}'::jsonb, 'cancelled'
         FROM users u, datasets d WHERE u.email = 'admin@outport.local' LIMIT 1 RETURNING id`,
    );
    const id = rows[0]!.id;
    try {
      // Inserted cancelled, so no worker of another file can take it; made pending here.
      await pgPool().query(`UPDATE export_jobs SET status = 'pending' WHERE id = $1`, [id]);
      const after = (await health()).body.queue;
      expect(after.by_type.export!.pending).toBeGreaterThanOrEqual(before + 1);
      expect(after.pending).toBeGreaterThanOrEqual(after.by_type.export!.pending);
    } finally {
      await pgPool().query(`DELETE FROM export_jobs WHERE id = $1`, [id]);
    }
  });

  describe("with a worker running", () => {
    let worker: Worker | undefined;
    afterEach(async () => {
      await worker?.stop();
      worker = undefined;
    });

    it("lists the worker process while it runs, and not once it stopped", async () => {
      worker = await startWorker([idleJob], { concurrency: 3, leaseSeconds: 5, pollMs: 500 });
      const mine = (body: HealthBody) => body.workers.processes.filter((p) => p.job_types.includes(QUEUE));
      const running = (await health()).body;
      expect(running.workers.live).toBeGreaterThanOrEqual(1);
      expect(mine(running)).toEqual([
        expect.objectContaining({ pid: process.pid, host: os.hostname(), job_types: [QUEUE], concurrency: 3 }),
      ]);
      await worker.stop();
      worker = undefined;
      expect(mine((await health()).body)).toEqual([]);
    });

    it("does not count a process whose heartbeat is older than three leases", async () => {
      const { rows } = await pgPool().query<{ id: string }>(
        `INSERT INTO worker_processes (id, pid, host, job_types, concurrency, heartbeat_at)
         VALUES (gen_random_uuid(), 1, 'gone-host', ARRAY['export'], 1, now() - interval '1 day') RETURNING id`,
      );
      try {
        const { body } = await health();
        expect(body.workers.processes.map((p) => p.host)).not.toContain("gone-host");
      } finally {
        await pgPool().query(`DELETE FROM worker_processes WHERE id = $1`, [rows[0]!.id]);
      }
    });
  });

  it("answers 503 naming the storage when the export folder cannot be written", async () => {
    const saved = process.env.OUTPORT_EXPORT_DIR;
    const notAFolder = path.join(dir, "a-file");
    writeFileSync(notAFolder, "not a folder");
    process.env.OUTPORT_EXPORT_DIR = notAFolder;
    try {
      const { status, body, text } = await health();
      expect(status).toBe(503);
      expect(body).toMatchObject({ status: "error", failing: ["storage"], storage: { status: "error" } });
      expect(body.database.status).toBe("ok");
      expect(text).not.toContain(notAFolder);
    } finally {
      process.env.OUTPORT_EXPORT_DIR = saved;
    }
  });

  it("names the storage as failing when the store's own probe throws", async () => {
    const local = new LocalExportStore(dir);
    const broken: ExportStore = Object.assign(Object.create(local) as ExportStore, {
      probe: () => Promise.reject(new Error("bucket unreachable at s3://secret-bucket")),
    });
    const result = await checkHealth(broken);
    expect(result.status).toBe("error");
    expect(result.failing).toEqual(["storage"]);
    expect(JSON.stringify(result)).not.toContain("secret-bucket");
  });

  it("reports the storage as unknown when the store has no probe", async () => {
    const local = new LocalExportStore(dir);
    const noProbe: ExportStore = {
      kind: "local",
      write: (key, chunks, options) => local.write(key, chunks, options),
      open: (key) => local.open(key),
      remove: (key) => local.remove(key),
      list: () => local.list(),
    };
    const result = await checkHealth(noProbe);
    expect(result.storage).toMatchObject({ status: "unknown" });
    expect(result.status).toBe("ok");
  });
});
