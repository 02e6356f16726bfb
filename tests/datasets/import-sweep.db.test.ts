// The sweep of what imports leave in the upload folder and the database: a body a killed
// process was receiving, the CSV of rejected rows once it is as old as an export may get
// (or at once when no import names it after an hour), and a dataset's rejected rows when
// the dataset is deleted. Whatever an import still needs stays.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/current-user";
import { config } from "@/lib/config";
import { pgPool } from "@/lib/data/pg";
import { sweepImports } from "@/lib/datasets/import-cleanup";
import { defineImportJob } from "@/lib/datasets/import-job";
import { findImport, presentImport } from "@/lib/datasets/import-status";
import { deleteDataset } from "@/lib/datasets/manage-dataset";
import { rejectedRowsPath } from "@/lib/datasets/rejected-rows";
import { requestDatasetCreation, type ImportCaller } from "@/lib/datasets/request-import";
import { stopJobQueue } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { newUploadKey, uploadPath } from "@/lib/uploads/upload-files";
import { demoUser } from "../helpers/auth";

process.env.DATABASE_URL = inject("sourcesDatabaseUrl");

let dir = "";
const RUN = { heartbeatMs: 50, retryDelaySeconds: 0, maxAttempts: 1 } as const;
const DAY_MS = 24 * 3600_000;

async function manager(): Promise<ImportCaller> {
  const user = await demoUser("manager");
  const current: CurrentUser = { id: user.id, email: user.email, name: user.name, role: user.role };
  return { user: current, ip: "127.0.0.1", locale: "en" };
}

/** A dataset imported from a file with one rejected row: its job id, dataset id and rejected file's path. */
async function importWithRejects(title: string) {
  const caller = await manager();
  const text = '{"n":1}\n{"n":"x"}\n{"n":3}\n';
  const key = newUploadKey();
  await writeFile(uploadPath(key, dir), text);
  const upload = {
    key,
    fileName: "n.ndjson",
    size: text.length,
    sha256: createHash("sha256").update(text).digest("hex"),
    contentType: null,
  };
  const columns = [{ source: 0, key: "n", label: "N", type: "integer" as const, sensitive: false }];
  const { jobId, datasetId } = await requestDatasetCreation(caller, upload, {
    title,
    description: "",
    columns,
    max_rejected_rows: 5,
  });
  expect(await runJob(defineImportJob({ dir }), jobId, RUN)).toBe("completed");
  const { rows } = await pgPool().query<{ rejected_file: string }>(
    `SELECT rejected_file FROM import_jobs WHERE id = $1`,
    [jobId],
  );
  const file = rejectedRowsPath(rows[0]!.rejected_file, dir);
  expect(existsSync(file)).toBe(true);
  return { caller, jobId, datasetId, file };
}

async function age(file: string, ms: number) {
  const then = new Date(Date.now() - ms);
  await utimes(file, then, then);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "outport-sweep-"));
  process.env.OUTPORT_UPLOAD_DIR = dir;
});

afterAll(async () => {
  await stopJobQueue({ graceful: false });
  await rm(dir, { recursive: true, force: true });
});

describe("the import sweep", () => {
  it("removes a partial upload a day old and keeps one still arriving", async () => {
    const stale = `${uploadPath(newUploadKey(), dir)}.part`;
    const fresh = `${uploadPath(newUploadKey(), dir)}.part`;
    await writeFile(stale, "id\n1\n");
    await writeFile(fresh, "id\n1\n");
    await age(stale, DAY_MS + 60_000);
    await sweepImports(dir);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
    await rm(fresh);
  });

  it("keeps rejected rows while the export retention would, then removes them and the link to them", async () => {
    const { caller, jobId, file } = await importWithRejects("Sweep keeps rejects");
    await sweepImports(dir);
    expect(existsSync(file)).toBe(true);
    expect(presentImport(await findImport(caller.user, jobId)).rejected_url).toBe(`/api/imports/${jobId}/rejected`);

    const later = new Date(Date.now() + (config.export.retentionDays + 1) * DAY_MS);
    const swept = await sweepImports(dir, { now: later });
    expect(swept.rejectedFiles).toBe(1);
    expect(existsSync(file)).toBe(false);
    const status = presentImport(await findImport(caller.user, jobId));
    expect(status.rejected_url).toBeNull();
    expect(status.rejected_rows).toBe(1);
  });

  it("removes a rejected-rows file no import names once it is an hour old", async () => {
    const young = rejectedRowsPath(newUploadKey(), dir);
    const old = rejectedRowsPath(newUploadKey(), dir);
    await writeFile(young, "line,reason\n");
    await writeFile(old, "line,reason\n");
    await age(old, 2 * 3600_000);
    await sweepImports(dir);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(young)).toBe(true);
    await rm(young);
  });

  it("takes a dataset's rejected rows with it when the dataset is deleted", async () => {
    const { caller, jobId, datasetId, file } = await importWithRejects("Deleted with rejects");
    await deleteDataset(caller, datasetId);
    expect(existsSync(file)).toBe(false);
    expect(presentImport(await findImport(caller.user, jobId)).rejected_url).toBeNull();
  });
});
