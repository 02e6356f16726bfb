// The import job on the real runtime and PostgreSQL: a new dataset appears only when its
// rows commit, with its values stored as their types say; rows whose values do not fit
// are rejected (line, reason, a CSV of them) and past the limit nothing is committed; rows
// are appended, or replaced atomically while an export reads the old ones; a cancel, a
// dead connection and a worker whose lease ran out leave no dataset, no table and no
// upload; and only who may create or manage a dataset may import. Uploads are NDJSON and
// CSV files written into a folder of the test's own.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/current-user";
import { config } from "@/lib/config";
import { pgPool } from "@/lib/data/pg";
import type { TCreateDataset, TImportRows } from "@/lib/datasets/dataset-schemas";
import { findDataset, listDatasets } from "@/lib/datasets/dataset-store";
import { defineImportJob } from "@/lib/datasets/import-job";
import { deleteDataset } from "@/lib/datasets/manage-dataset";
import { rejectedRowsPath } from "@/lib/datasets/rejected-rows";
import { IMPORT_JOBS_TABLE } from "@/lib/datasets/import-job-store";
import { cancelImport, findImport, openRejectedRows, presentImport } from "@/lib/datasets/import-status";
import { requestDatasetCreation, requestImport, type ImportCaller } from "@/lib/datasets/request-import";
import { AppError } from "@/lib/errors";
import { claimJob } from "@/lib/jobs/job-table";
import { stopJobQueue } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { startWorker } from "@/lib/jobs/worker";
import { newUploadKey, uploadPath, type ReceivedUpload } from "@/lib/uploads/upload-files";
import { demoUser, type DemoWho } from "../helpers/auth";
import { parseCsv } from "../helpers/csv-parse";
import { storedRows } from "../helpers/dataset-rows";
import { waitUntil } from "../helpers/wait";

process.env.DATABASE_URL = inject("sourcesDatabaseUrl");

let dir = "";
const job = () => defineImportJob({ dir, batchSize: 100, dropDelayMs: 0 });
const RUN = { heartbeatMs: 50, retryDelaySeconds: 0, maxAttempts: 3 } as const;

async function caller(who: DemoWho): Promise<ImportCaller> {
  const user = await demoUser(who);
  const current: CurrentUser = { id: user.id, email: user.email, name: user.name, role: user.role };
  return { user: current, ip: "127.0.0.1", locale: "en" };
}

async function upload(text: string, fileName = "rows.ndjson"): Promise<ReceivedUpload> {
  const key = newUploadKey();
  await writeFile(uploadPath(key, dir), text);
  return {
    key,
    fileName,
    size: Buffer.byteLength(text),
    sha256: createHash("sha256").update(text).digest("hex"),
    contentType: null,
  };
}

const ndjson = (rows: Array<Record<string, unknown>>) => rows.map((row) => JSON.stringify(row)).join("\n") + "\n";

function create(title: string, extra: Partial<TCreateDataset> = {}): TCreateDataset {
  return { title, description: "", max_rejected_rows: 0, ...extra };
}

const rowsMetadata = (extra: Partial<TImportRows> = {}): TImportRows => ({ max_rejected_rows: 0, ...extra });

async function jobRow(id: string) {
  const { rows } = await pgPool().query<{ status: string; error_message: string | null; attempts: number }>(
    `SELECT status::text AS status, error_message, attempts FROM ${IMPORT_JOBS_TABLE} WHERE id = $1`,
    [id],
  );
  return rows[0]!;
}

async function datasetRow(id: number) {
  const { rows } = await pgPool().query<{ status: string; rows_table: string | null; record_count: number }>(
    `SELECT status::text AS status, rows_table, record_count FROM datasets WHERE id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

async function rowsTables(datasetId: number): Promise<string[]> {
  const { rows } = await pgPool().query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'dataset_rows' AND c.relkind = 'r' AND (c.relname = $1 OR c.relname LIKE $1 || '\\_%')`,
    [`d${datasetId}`],
  );
  return rows.map((row) => row.name).sort();
}

async function auditActions(datasetId: number): Promise<string[]> {
  const { rows } = await pgPool().query<{ action: string }>(
    `SELECT action::text AS action FROM audit_events WHERE target_type = 'dataset' AND target_id = $1 ORDER BY id`,
    [String(datasetId)],
  );
  return rows.map((row) => row.action);
}

async function readAll(stream: Readable): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** A file of `count` rows of id, name, amount, day. */
function bigFile(count: number): string {
  let text = "";
  for (let i = 1; i <= count; i++) {
    text += `{"id":${i},"name":"row ${i}","amount":${i / 4},"day":"2026-01-${String((i % 28) + 1).padStart(2, "0")}"}\n`;
  }
  return text;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "outport-imports-"));
  process.env.OUTPORT_UPLOAD_DIR = dir;
});

afterAll(async () => {
  await stopJobQueue({ graceful: false });
  await rm(dir, { recursive: true, force: true });
});

describe("creating a dataset from a file", () => {
  it("is invisible until the rows commit, then holds every value as its type says", async () => {
    const manager = await caller("manager");
    const file = await upload(
      ndjson([
        { id: 1, name: "Ada", amount: 12.5, day: "2026-01-02", at: "2026-01-02T03:04:05Z", ok: true, tags: ["a"] },
        { id: 2, name: "한글 \t tab", amount: "7", day: "2026-02-03", at: "2026-02-03T00:00:00Z", ok: false, tags: {} },
        { id: 3, name: null, amount: null, day: null, at: null, ok: null, tags: null },
      ]),
    );
    const { jobId, datasetId } = await requestDatasetCreation(manager, file, create("Imported people"));
    expect(await findDataset(datasetId)).toBeNull();
    expect((await listDatasets()).some((d) => d.id === datasetId)).toBe(false);
    expect((await datasetRow(datasetId))?.status).toBe("importing");

    expect(await runJob(job(), jobId, RUN)).toBe("completed");
    const dataset = await findDataset(datasetId);
    expect(dataset?.recordCount).toBe(3);
    expect(dataset?.ownerId).toBe(manager.user.id);
    expect(dataset?.dateColumn).toBe("day");
    expect(await storedRows(datasetId)).toEqual([
      { id: 1, name: "Ada", amount: 12.5, day: "2026-01-02", at: "2026-01-02T03:04:05Z", ok: true, tags: ["a"] },
      { id: 2, name: "한글 \t tab", amount: 7, day: "2026-02-03", at: "2026-02-03T00:00:00Z", ok: false, tags: {} },
      { id: 3, name: null, amount: null, day: null, at: null, ok: null, tags: null },
    ]);
    const status = presentImport(await findImport(manager.user, jobId));
    expect(status).toMatchObject({
      status: "completed",
      mode: "create",
      rejected_rows: 0,
      rejected_url: null,
      dataset_url: `/datasets/${datasetId}`,
      sha256: file.sha256,
    });
    expect(existsSync(uploadPath(file.key, dir))).toBe(false);
    expect(await auditActions(datasetId)).toEqual(["dataset_created", "dataset_imported"]);
  });

  it("reads a CSV file the same way", async () => {
    const manager = await caller("manager");
    const file = await upload("code,count,when\nA,1,2026-03-01\nB,2,2026-03-02\n", "codes.csv");
    const { jobId, datasetId } = await requestDatasetCreation(manager, file, create("Codes"));
    expect(await runJob(job(), jobId, RUN)).toBe("completed");
    expect(await storedRows(datasetId)).toEqual([
      { code: "A", count: 1, when: "2026-03-01" },
      { code: "B", count: 2, when: "2026-03-02" },
    ]);
  });

  it("rejects rows whose values do not fit, lists them and writes them all to a CSV", async () => {
    const manager = await caller("manager");
    const lines = [
      { n: 1, label: "one" },
      { n: 2, label: "two" },
      { n: 3, label: "three" },
    ];
    const text =
      ndjson(lines) + `{"n":"four","label":"bad, \\"quoted\\""}\n{"n":5,"label":"five"}\n{"n":1.5,"label":"x"}\n`;
    const file = await upload(text);
    const columns = [
      { source: 0, key: "n", label: "N", type: "integer" as const, sensitive: false },
      { source: 1, key: "label", label: "Label", type: "string" as const, sensitive: false },
    ];
    const { jobId, datasetId } = await requestDatasetCreation(
      manager,
      file,
      create("With rejects", { columns, max_rejected_rows: 2 }),
    );
    expect(await runJob(job(), jobId, RUN)).toBe("completed");
    expect(await storedRows(datasetId)).toEqual([
      { n: 1, label: "one" },
      { n: 2, label: "two" },
      { n: 3, label: "three" },
      { n: 5, label: "five" },
    ]);
    const status = presentImport(await findImport(manager.user, jobId));
    expect(status.rejected_rows).toBe(2);
    expect(status.rejected).toEqual([
      { line: 4, reason: 'N: not a whole number: "four"' },
      { line: 6, reason: "N: not a whole number: 1.5" },
    ]);
    expect(status.rejected_url).toBe(`/api/imports/${jobId}/rejected`);
    const { stream, fileName } = await openRejectedRows(manager.user, jobId);
    expect(fileName).toBe("rows-rejected-rows.csv");
    expect(parseCsv(await readAll(stream))).toEqual([
      ["line", "reason", "n", "label"],
      ["4", 'N: not a whole number: "four"', "four", 'bad, "quoted"'],
      ["6", "N: not a whole number: 1.5", "1.5", "x"],
    ]);
  });

  it("fails past max_rejected_rows: nothing committed, no dataset, no table, the upload removed", async () => {
    const manager = await caller("manager");
    const file = await upload(ndjson([{ n: 1 }, { n: "x" }, { n: "y" }, { n: 4 }]));
    const columns = [{ source: 0, key: "n", label: "N", type: "integer" as const, sensitive: false }];
    const { jobId, datasetId } = await requestDatasetCreation(
      manager,
      file,
      create("Too many rejects", { columns, max_rejected_rows: 1 }),
    );
    expect(await runJob(job(), jobId, RUN)).toBe("failed");
    const imported = await findImport(manager.user, jobId);
    const status = presentImport(imported);
    expect(status.status).toBe("failed");
    expect(status.error_message).toBe(
      "More than 1 rows were rejected (the import stopped at line 3). Nothing was imported: download the rejected rows, fix them and import again.",
    );
    expect(status.rejected_rows).toBe(2);
    expect(await datasetRow(datasetId)).toBeNull();
    expect(await rowsTables(datasetId)).toEqual([]);
    expect(existsSync(uploadPath(file.key, dir))).toBe(false);
    // What to fix is still there to download.
    const { stream } = await openRejectedRows(manager.user, jobId);
    expect(parseCsv(await readAll(stream)).map((row) => row[0])).toEqual(["line", "2", "3"]);
  });

  it("fails a file past the row limit, naming it", async () => {
    const manager = await caller("manager");
    const saved = config.imports.maxRows;
    config.imports.maxRows = 3;
    try {
      const file = await upload(bigFile(5));
      const { jobId, datasetId } = await requestDatasetCreation(manager, file, create("Too long"));
      expect(await runJob(job(), jobId, RUN)).toBe("failed");
      expect(presentImport(await findImport(manager.user, jobId)).error_message).toContain("more than 3 rows");
      expect(await datasetRow(datasetId)).toBeNull();
    } finally {
      config.imports.maxRows = saved;
    }
  });
});

describe("deleting a dataset", () => {
  it("takes the rejected rows of its imports with it: their file goes and the download is a 404", async () => {
    const manager = await caller("manager");
    const columns = [{ source: 0, key: "n", label: "N", type: "integer" as const, sensitive: false }];
    const file = await upload(ndjson([{ n: 1 }, { n: "secret value" }]));
    const { jobId, datasetId } = await requestDatasetCreation(
      manager,
      file,
      create("Deleted with rejects", { columns, max_rejected_rows: 5 }),
    );
    expect(await runJob(job(), jobId, RUN)).toBe("completed");
    const rejectedFile = (await findImport(manager.user, jobId)).rejectedFile!;
    expect(existsSync(rejectedRowsPath(rejectedFile, dir))).toBe(true);

    await deleteDataset(manager, datasetId);
    expect(existsSync(rejectedRowsPath(rejectedFile, dir))).toBe(false);
    expect(presentImport(await findImport(manager.user, jobId)).rejected_url).toBeNull();
    await expect(openRejectedRows(manager.user, jobId)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("importing into a dataset", () => {
  let datasetId = 0;

  beforeAll(async () => {
    const manager = await caller("manager");
    const created = await requestDatasetCreation(manager, await upload(bigFile(3)), create("Growing"));
    datasetId = created.datasetId;
    expect(await runJob(job(), created.jobId, RUN)).toBe("completed");
  });

  it("appends rows matched by key (a column the file lacks stays empty)", async () => {
    const manager = await caller("manager");
    const { jobId } = await requestImport(
      manager,
      datasetId,
      "append",
      await upload(ndjson([{ name: "late", id: 10 }])),
      rowsMetadata(),
    );
    expect(await runJob(job(), jobId, RUN)).toBe("completed");
    const rows = await storedRows(datasetId);
    expect(rows).toHaveLength(4);
    expect(rows[3]).toEqual({ id: 10, name: "late", amount: null, day: null });
    expect((await findDataset(datasetId))?.recordCount).toBe(4);
  });

  it("refuses a file column that matches no column of the dataset (422 naming it), and removes the upload", async () => {
    const manager = await caller("manager");
    const file = await upload(ndjson([{ id: 1, colour: "red" }]));
    const refused = await requestImport(manager, datasetId, "append", file, rowsMetadata()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe("invalid");
    expect(JSON.stringify((refused as AppError).options.errors)).toContain("colour");
    expect(existsSync(uploadPath(file.key, dir))).toBe(false);
  });

  it("replaces atomically: an export reading the old rows reads them to its end", async () => {
    const manager = await caller("manager");
    const before = (await datasetRow(datasetId))!.rows_table!;
    const reader = await pgPool().connect();
    try {
      await reader.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      const first = await reader.query(`SELECT count(*)::int AS n FROM dataset_rows."${before}"`);
      expect(first.rows[0].n).toBe(4);

      const { jobId } = await requestImport(manager, datasetId, "replace", await upload(bigFile(2)), rowsMetadata());
      const running = runJob(job(), jobId, RUN);
      await waitUntil(
        async () => (await jobRow(jobId)).status,
        (status) => status === "completed",
      );
      // Committed: the dataset reads the new table, the export still reads the old one.
      const after = (await datasetRow(datasetId))!;
      expect(after.rows_table).not.toBe(before);
      expect(after.record_count).toBe(2);
      expect(await storedRows(datasetId)).toHaveLength(2);
      const again = await reader.query(`SELECT count(*)::int AS n FROM dataset_rows."${before}"`);
      expect(again.rows[0].n).toBe(4);
      await reader.query("COMMIT");
      expect(await running).toBe("completed");
      expect(await rowsTables(datasetId)).toEqual([after.rows_table]);
    } finally {
      reader.release();
    }
  });

  it("keeps the old table a while after a replace, for a reader that took its name just before the commit", async () => {
    const manager = await caller("manager");
    const before = (await datasetRow(datasetId))!.rows_table!;
    const { jobId } = await requestImport(manager, datasetId, "replace", await upload(bigFile(3)), rowsMetadata());
    const running = runJob(defineImportJob({ dir, dropDelayMs: 1500 }), jobId, RUN);
    await waitUntil(
      async () => (await jobRow(jobId)).status,
      (status) => status === "completed",
    );
    // The reader that looked the name up before the commit queries it now: still there.
    const late = await pgPool().query(`SELECT count(*)::int AS n FROM dataset_rows."${before}"`);
    expect(late.rows[0].n).toBe(2);
    expect(await running).toBe("completed");
    expect(await rowsTables(datasetId)).toEqual([(await datasetRow(datasetId))!.rows_table]);
  });
});

describe("an import that does not commit", () => {
  it("cancelled mid-import leaves no dataset, no table and no upload", async () => {
    const manager = await caller("manager");
    const file = await upload(bigFile(200_000));
    const { jobId, datasetId } = await requestDatasetCreation(manager, file, create("Cancelled"));
    const running = runJob(defineImportJob({ dir, batchSize: 50 }), jobId, RUN);
    await waitUntil(
      async () => {
        const { rows } = await pgPool().query<{ n: number }>(
          `SELECT processed_rows AS n FROM ${IMPORT_JOBS_TABLE} WHERE id = $1`,
          [jobId],
        );
        return rows[0]?.n ?? 0;
      },
      (n) => n > 0,
    );
    await cancelImport(manager, jobId);
    expect(await running).toBe("stopped");
    expect((await jobRow(jobId)).status).toBe("cancelled");
    expect(await datasetRow(datasetId)).toBeNull();
    expect(await rowsTables(datasetId)).toEqual([]);
    expect(existsSync(uploadPath(file.key, dir))).toBe(false);
  });

  it("cancelled while waiting: the cancel cleans up", async () => {
    const manager = await caller("manager");
    const file = await upload(bigFile(3));
    const { jobId, datasetId } = await requestDatasetCreation(manager, file, create("Cancelled early"));
    await cancelImport(manager, jobId);
    expect(await datasetRow(datasetId)).toBeNull();
    expect(existsSync(uploadPath(file.key, dir))).toBe(false);
    await expect(cancelImport(manager, jobId)).rejects.toMatchObject({ code: "conflict" });
  });

  it("whose connection dies mid-COPY is rolled back and starts over from the file", async () => {
    const manager = await caller("manager");
    const file = await upload(bigFile(100_000));
    const { jobId, datasetId } = await requestDatasetCreation(manager, file, create("Killed connection"));
    const running = runJob(defineImportJob({ dir, batchSize: 50 }), jobId, RUN);
    await waitUntil(async () => {
      const { rows } = await pgPool().query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE query LIKE 'COPY dataset_rows.%' AND state = 'active'`,
      );
      if (!rows[0]) return false;
      await pgPool().query(`SELECT pg_terminate_backend($1)`, [rows[0].pid]);
      return true;
    }, Boolean);
    expect(await running).toBe("retrying");
    expect(await rowsTables(datasetId)).toEqual([]);
    expect((await datasetRow(datasetId))?.status).toBe("importing");
    await waitUntil(
      async () => (await jobRow(jobId)).status,
      (status) => status === "pending",
    );
    expect(await runJob(job(), jobId, RUN)).toBe("completed");
    expect((await findDataset(datasetId))?.recordCount).toBe(100_000);
  });

  it("whose worker died, its lease over on the last attempt, leaves no dataset and no upload", async () => {
    const manager = await caller("manager");
    const file = await upload(bigFile(3));
    const { jobId, datasetId } = await requestDatasetCreation(manager, file, create("Dead worker"));
    // A worker claims it and dies: no heartbeat ever again.
    expect(await claimJob(IMPORT_JOBS_TABLE, jobId)).not.toBeNull();
    await pgPool().query(`UPDATE ${IMPORT_JOBS_TABLE} SET heartbeat_at = now() - interval '1 hour' WHERE id = $1`, [
      jobId,
    ]);
    const worker = await startWorker([job()], { leaseSeconds: 1, maxAttempts: 1, pollMs: 60_000, concurrency: 1 });
    try {
      await worker.reap();
    } finally {
      await worker.stop();
    }
    expect((await jobRow(jobId)).status).toBe("failed");
    expect(presentImport(await findImport(manager.user, jobId)).error_message).toBe(
      "The import was interrupted three times and has been stopped. Nothing was imported.",
    );
    expect(await datasetRow(datasetId)).toBeNull();
    expect(existsSync(uploadPath(file.key, dir))).toBe(false);
  });
});

describe("who may import", () => {
  it("a viewer may not create a dataset (403), and the upload is removed", async () => {
    const file = await upload(bigFile(1));
    await expect(requestDatasetCreation(await caller("viewer"), file, create("No"))).rejects.toMatchObject({
      code: "forbidden",
    });
    expect(existsSync(uploadPath(file.key, dir))).toBe(false);
  });

  it("only the owner or an admin may import into a dataset", async () => {
    const owner = await caller("manager");
    const created = await requestDatasetCreation(owner, await upload(bigFile(1)), create("Owned"));
    await runJob(job(), created.jobId, RUN);
    for (const who of ["viewer", "manager2"] as const) {
      await expect(
        requestImport(await caller(who), created.datasetId, "append", await upload(bigFile(1)), rowsMetadata()),
      ).rejects.toMatchObject({ code: "forbidden" });
    }
    const admin = await caller("admin");
    const byAdmin = await requestImport(admin, created.datasetId, "append", await upload(bigFile(1)), rowsMetadata());
    expect(await runJob(job(), byAdmin.jobId, RUN)).toBe("completed");
    expect((await findDataset(created.datasetId))?.recordCount).toBe(2);
    // Another manager cannot even see the job.
    await expect(findImport((await caller("manager2")).user, byAdmin.jobId)).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("a dataset one cannot see is a 404", async () => {
    await expect(
      requestImport(await caller("admin"), 2_000_000, "append", await upload(bigFile(1)), rowsMetadata()),
    ).rejects.toMatchObject({ code: "not_found" });
  });

  it("leaves no upload behind in the folder", async () => {
    expect((await readdir(dir)).filter((name) => name.endsWith(".upload"))).toEqual([]);
  });
});
