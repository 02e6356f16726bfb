// Managing a dataset: who may change what (owner or admin; a transfer is an admin's and
// only to an active admin or manager), what a change is checked against (its own columns),
// the audit event saying before → after; and deletion: the dataset disappears everywhere
// but the export history, which keeps its exports by title and says it was deleted; its
// rows table is dropped and its export files are removed.
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/current-user";
import { pgPool } from "@/lib/data/pg";
import { findDataset, listDatasets } from "@/lib/datasets/dataset-store";
import { defineImportJob } from "@/lib/datasets/import-job";
import { datasetDeletionSummary, deleteDataset, updateDataset } from "@/lib/datasets/manage-dataset";
import { requestDatasetCreation, type ImportCaller } from "@/lib/datasets/request-import";
import { ZExportOptionsSchema } from "@/lib/export/options";
import { findExportJob, insertDirectExport } from "@/lib/exports/export-job-store";
import { presentExport } from "@/lib/exports/present-export";
import { requestExport } from "@/lib/exports/request-export";
import { stopJobQueue } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { newUploadKey, uploadPath } from "@/lib/uploads/upload-files";
import { demoUser, type DemoWho } from "../helpers/auth";

process.env.DATABASE_URL = inject("sourcesDatabaseUrl");

let dir = "";

async function caller(who: DemoWho): Promise<ImportCaller> {
  const user = await demoUser(who);
  const current: CurrentUser = { id: user.id, email: user.email, name: user.name, role: user.role };
  return { user: current, ip: "127.0.0.1", locale: "en" };
}

/** A ready dataset of the manager's, from a small NDJSON file. */
async function managersDataset(title: string): Promise<number> {
  const text =
    '{"id":1,"day":"2026-01-01","at":"2026-01-01T00:00:00Z","kind":"a"}\n{"id":2,"day":"2026-01-02","at":"2026-01-02T00:00:00Z","kind":"b"}\n';
  const key = newUploadKey();
  await writeFile(uploadPath(key, dir), text);
  const upload = {
    key,
    fileName: "rows.ndjson",
    size: text.length,
    sha256: createHash("sha256").update(text).digest("hex"),
    contentType: null,
  };
  const { jobId, datasetId } = await requestDatasetCreation(await caller("manager"), upload, {
    title,
    description: "",
    max_rejected_rows: 0,
  });
  expect(await runJob(defineImportJob({ dir }), jobId, { heartbeatMs: 50 })).toBe("completed");
  return datasetId;
}

async function lastAudit(action: string, datasetId: number) {
  const { rows } = await pgPool().query<{ details: Record<string, unknown>; actor_id: number }>(
    `SELECT details, actor_id FROM audit_events WHERE action = $1::"AuditAction" AND target_id = $2 ORDER BY id DESC LIMIT 1`,
    [action, String(datasetId)],
  );
  return rows[0] ?? null;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "outport-manage-"));
  process.env.OUTPORT_UPLOAD_DIR = dir;
});

afterAll(async () => {
  await stopJobQueue({ graceful: false });
  await rm(dir, { recursive: true, force: true });
});

describe("changing a dataset", () => {
  let id = 0;
  beforeAll(async () => {
    id = await managersDataset("To change");
  });

  it("lets its owner change title, labels, sensitivity and the date column, audited before → after", async () => {
    const owner = await caller("manager");
    const changed = await updateDataset(owner, id, {
      title: "Changed",
      columns: [{ key: "kind", label: "Kind of thing", sensitive: true }],
      date_column: "at",
    });
    expect(changed.title).toBe("Changed");
    expect(changed.dateColumn).toBe("at");
    expect(changed.columns.find((c) => c.key === "kind")).toMatchObject({ label: "Kind of thing", sensitive: true });
    const audit = await lastAudit("dataset_updated", id);
    expect(audit?.actor_id).toBe(owner.user.id);
    expect(audit?.details.changes).toEqual({
      title: { before: "To change", after: "Changed" },
      "columns.kind.label": { before: "kind", after: "Kind of thing" },
      "columns.kind.sensitive": { before: false, after: true },
      date_column: { before: "day", after: "at" },
    });
  });

  it("refuses a date column that is not a date, and unknown column keys (422 naming the field)", async () => {
    const owner = await caller("manager");
    await expect(updateDataset(owner, id, { date_column: "kind" })).rejects.toMatchObject({
      code: "invalid",
      options: { errors: [{ field: "date_column" }] },
    });
    await expect(updateDataset(owner, id, { columns: [{ key: "nope", label: "x" }] })).rejects.toMatchObject({
      code: "invalid",
      options: { errors: [{ field: "columns.0.key" }] },
    });
  });

  it("refuses another manager and a viewer (403); an admin may change any dataset", async () => {
    for (const who of ["manager2", "viewer"] as const) {
      await expect(updateDataset(await caller(who), id, { title: "Mine" })).rejects.toMatchObject({
        code: "forbidden",
      });
    }
    expect((await updateDataset(await caller("admin"), id, { description: "by the admin" })).description).toBe(
      "by the admin",
    );
  });

  it("transfers ownership only by an admin, only to an active admin or manager", async () => {
    const manager2 = await demoUser("manager2");
    const viewer = await demoUser("viewer");
    await expect(updateDataset(await caller("manager"), id, { owner_id: manager2.id })).rejects.toMatchObject({
      code: "forbidden",
      messageKey: "dataset.transferForbidden",
    });
    await expect(updateDataset(await caller("admin"), id, { owner_id: viewer.id })).rejects.toMatchObject({
      code: "invalid",
      options: { errors: [{ field: "owner_id" }] },
    });
    const moved = await updateDataset(await caller("admin"), id, { owner_id: manager2.id });
    expect(moved.ownerId).toBe(manager2.id);
    expect((await lastAudit("dataset_updated", id))?.details.changes).toMatchObject({
      owner_id: { before: (await demoUser("manager")).id, after: manager2.id },
    });
    // The former owner may no longer change it; the new one may.
    await expect(updateDataset(await caller("manager"), id, { title: "Back" })).rejects.toMatchObject({
      code: "forbidden",
    });
    expect((await updateDataset(await caller("manager2"), id, { title: "Now mine" })).title).toBe("Now mine");
  });
});

describe("deleting a dataset", () => {
  it("hides it everywhere but the history, drops its rows and says how many exports it had", async () => {
    const id = await managersDataset("To delete");
    const owner = await caller("manager");
    const exported = await requestExport(owner, { datasetId: id, format: "csv", options: () => ({}) }, "job");
    if (exported.delivery !== "job") throw new Error("expected a job");
    // A direct download is a history row too, but it stored no file for the deletion to take.
    await insertDirectExport({
      userId: owner.user.id,
      datasetId: id,
      format: "csv",
      options: ZExportOptionsSchema.parse({}),
      totalRows: null,
      locale: "en",
    });
    await expect(datasetDeletionSummary((await caller("manager2")).user, id)).rejects.toMatchObject({
      code: "forbidden",
    });
    expect(await datasetDeletionSummary(owner.user, id)).toEqual({ exports: 1 });
    const rowsTable = (await findDataset(id))!.rowsTable!;

    expect(await deleteDataset(owner, id)).toEqual({ exports: 1 });
    expect(await findDataset(id)).toBeNull();
    expect((await listDatasets()).some((d) => d.id === id)).toBe(false);
    const { rows } = await pgPool().query(`SELECT to_regclass($1) AS t`, [`dataset_rows."${rowsTable}"`]);
    expect(rows[0].t).toBeNull();
    // The history keeps the export, by title, marked deleted, with nothing to download.
    const job = await findExportJob(exported.job.id);
    expect(job).not.toBeNull();
    const shown = presentExport(job!, owner.user, "en", null);
    expect(shown).toMatchObject({ dataset_title: "To delete", dataset_deleted: true, download_url: null });
    expect((await lastAudit("dataset_deleted", id))?.details).toMatchObject({ title: "To delete", exports: 1 });
    // Gone for every path from now on.
    await expect(deleteDataset(owner, id)).rejects.toMatchObject({ code: "not_found" });
    await expect(
      requestExport(owner, { datasetId: id, format: "csv", options: () => ({}) }, "job"),
    ).rejects.toMatchObject({ code: "not_found" });
  });

  it("is refused to a viewer and to another manager", async () => {
    const id = await managersDataset("Kept");
    for (const who of ["viewer", "manager2"] as const) {
      await expect(deleteDataset(await caller(who), id)).rejects.toMatchObject({ code: "forbidden" });
    }
    expect(await findDataset(id)).not.toBeNull();
  });
});
