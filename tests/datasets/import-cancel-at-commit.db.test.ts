// A cancel that lands in the last instant of an import — after its rows are written, just
// before the attempt marks them committed — wins: nothing is committed, and what the import
// was making (a new dataset, the upload) is cleaned up at once, although the worker never
// saw its signal abort (the heartbeat had not run yet).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import type { CurrentUser } from "@/lib/auth/current-user";
import { pgPool } from "@/lib/data/pg";
import { defineImportJob } from "@/lib/datasets/import-job";
import type * as ImportJobStore from "@/lib/datasets/import-job-store";
import { requestDatasetCreation, type ImportCaller } from "@/lib/datasets/request-import";
import { stopJobQueue } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { newUploadKey, uploadPath, type ReceivedUpload } from "@/lib/uploads/upload-files";
import { demoUser } from "../helpers/auth";

process.env.DATABASE_URL = inject("sourcesDatabaseUrl");

// The cancel is made to happen right before the attempt marks its rows committed.
vi.mock("@/lib/datasets/import-job-store", async (original) => {
  const store = await original<typeof ImportJobStore>();
  return {
    ...store,
    markImportCommitted: async (...args: Parameters<typeof store.markImportCommitted>) => {
      await store.cancelImportJob(args[1].id);
      return store.markImportCommitted(...args);
    },
  };
});

let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "outport-imports-"));
  process.env.OUTPORT_UPLOAD_DIR = dir;
});

afterAll(async () => {
  await stopJobQueue({ graceful: false });
  await rm(dir, { recursive: true, force: true });
});

describe("a cancel just before the commit", () => {
  it("leaves no dataset and no upload, even before the worker's signal aborts", async () => {
    const user = await demoUser("manager");
    const current: CurrentUser = { id: user.id, email: user.email, name: user.name, role: user.role };
    const caller: ImportCaller = { user: current, ip: null, locale: "en" };
    const text = '{"n":1}\n{"n":2}\n';
    const key = newUploadKey();
    await writeFile(uploadPath(key, dir), text);
    const file: ReceivedUpload = {
      key,
      fileName: "rows.ndjson",
      size: text.length,
      sha256: createHash("sha256").update(text).digest("hex"),
      contentType: null,
    };
    const { jobId, datasetId } = await requestDatasetCreation(caller, file, {
      title: "Cancelled at commit",
      description: "",
      max_rejected_rows: 0,
    });
    // A heartbeat far away: the worker learns of the cancel only from the commit's fence.
    const outcome = await runJob(defineImportJob({ dir }), jobId, { heartbeatMs: 60_000, maxAttempts: 3 });
    expect(outcome).toBe("stopped");
    const job = await pgPool().query(`SELECT status::text AS status FROM import_jobs WHERE id = $1`, [jobId]);
    expect(job.rows[0]?.status).toBe("cancelled");
    const dataset = await pgPool().query(`SELECT id FROM datasets WHERE id = $1`, [datasetId]);
    expect(dataset.rowCount).toBe(0);
    expect(existsSync(uploadPath(key, dir))).toBe(false);
  });
});
