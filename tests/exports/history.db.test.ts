// Export history, downloads and retention on a real PostgreSQL (a copy of the seeded
// database of its own, so the counts here see only these tests' exports). Jobs are made
// as a finished worker leaves them: a row and a published, hashed file.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeEach, describe, expect, inject, it } from "vitest";
import { loadActiveUser } from "@/lib/auth/current-user";
import { pgPool } from "@/lib/data/pg";
import { downloadExport } from "@/lib/exports/download-export";
import { PEER_HEADER } from "@/lib/http/client-address";
import { prisma } from "@/lib/data/prisma";
import { retentionSchedule, purgeExpiredExports, RETENTION_LOCK } from "@/lib/exports/retention";
import { exportStore, newStorageKey } from "@/lib/files/export-store";
import { signDownload } from "@/lib/files/signed-url";
import type { ExportStatus } from "@/lib/generated/prisma/enums";
import type { HistoryPage } from "@/lib/exports/list-exports";
import { jobQueue } from "@/lib/jobs/queue";
import { startSchedules } from "@/lib/jobs/schedules";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import { reapJobs } from "@/lib/jobs/job-table";
import { demoUser, type DemoWho } from "../helpers/auth";
import { parseCsv } from "../helpers/csv-parse";
import { chartPng } from "../helpers/pdf";
import {
  cancelAs,
  datasetIdOf,
  createdJob,
  deleteAs,
  directExportAs,
  downloadAs,
  downloadUrlAs,
  headAs,
  historyAs,
  jobJson,
  retryAs,
  statusOf,
} from "./helpers";

process.env.DATABASE_URL = inject("historyDatabaseUrl");
const exportDir = mkdtempSync(path.join(os.tmpdir(), "outport-history-"));
process.env.OUTPORT_EXPORT_DIR = exportDir;

const DAY = 24 * 60 * 60 * 1000;
const signedUrl = (jobId: string, userId: number) =>
  `/api/export/download/${jobId}?token=${signDownload(jobId, userId).token}`;
const sha256 = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

/** Every response body this file saw: none may name a file-system path. */
const bodies: string[] = [];
async function text(response: Response): Promise<string> {
  const body = await response.text();
  bodies.push(body);
  return body;
}
async function json<T>(response: Response): Promise<T> {
  return JSON.parse(await text(response)) as T;
}

type Fixture = {
  who?: DemoWho;
  title?: string;
  format?: "csv" | "excel" | "json" | "pdf" | "parquet" | "ndjson";
  status?: ExportStatus;
  content?: string;
  createdAt?: Date;
  expiresAt?: Date;
  errorMessage?: string;
  options?: Record<string, unknown>;
};

/** A job as a worker leaves it: completed ones with their file published in the store. */
async function makeJob({
  who = "manager",
  title = "Q1 Sales",
  format = "csv",
  status = "completed",
  content = "region,amount\r\nSeoul,100\r\n",
  createdAt = new Date(),
  expiresAt = new Date(Date.now() + 7 * DAY),
  errorMessage,
  options = {},
}: Fixture = {}) {
  const user = await demoUser(who);
  let file: { storageKey: string; fileName: string; fileSize: bigint; sha256: string; md5: string } | null = null;
  if (status === "completed" || status === "expired") {
    const storageKey = newStorageKey(format === "excel" ? "xlsx" : format);
    const written = await exportStore().write(storageKey, Readable.from([Buffer.from(content)]));
    file = {
      storageKey,
      fileName: `q1-sales.${format}`,
      fileSize: BigInt(written.size),
      sha256: written.sha256,
      md5: written.md5,
    };
  }
  return prisma().exportJob.create({
    data: {
      userId: user.id,
      datasetId: await datasetIdOf(title),
      format,
      options: options as object,
      status,
      progress: status === "completed" ? 100 : 0,
      processedRows: 1,
      totalRows: 1,
      createdAt,
      finishedAt: status === "pending" || status === "processing" ? null : createdAt,
      expiresAt: file ? expiresAt : null,
      errorMessage: errorMessage ?? null,
      ...(file ?? {}),
    },
  });
}

const storedFile = (key: string | null) => path.join(exportDir, key ?? "missing");

async function resetJobs() {
  await prisma().exportDownload.deleteMany({});
  await prisma().exportJob.deleteMany({});
  await pgPool().query("DELETE FROM audit_events");
}

afterAll(() => {
  rmSync(exportDir, { recursive: true, force: true });
});

describe("downloads", () => {
  beforeEach(resetJobs);

  it("serves the owner and admins the verified file; others get 404, the signed-out 401", async () => {
    const job = await makeJob({ who: "manager", content: "a,b\r\n1,2\r\n" });

    const mine = await downloadAs("manager", job.id);
    expect(mine.status).toBe(200);
    expect(mine.headers.get("x-checksum-sha256")).toBe(job.sha256);
    expect(mine.headers.get("content-disposition")).toContain("q1-sales.csv");
    expect(await text(mine)).toBe("a,b\r\n1,2\r\n");

    const admin = await downloadAs("admin", job.id);
    expect(admin.status).toBe(200);
    expect(sha256(Buffer.from(await admin.arrayBuffer()))).toBe(job.sha256);

    for (const who of ["manager2", "viewer"] as const) {
      const refused = await downloadAs(who, job.id);
      expect(refused.status, who).toBe(404);
      expect((await json<{ detail: string }>(refused)).detail).toBe("Not found.");
    }
    expect((await downloadAs(null, job.id)).status).toBe(401);

    const counted = await prisma().exportJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(counted.downloadCount).toBe(2);
  });

  it("neither counts nor records a download whose client left before its first byte", async () => {
    const job = await makeJob({ who: "manager" });
    const manager = await loadActiveUser((await demoUser("manager")).id);
    if (!manager) throw new Error("no manager");
    const gone = new AbortController();
    gone.abort();
    const download = await downloadExport({ user: manager, ip: null, userAgent: "left-early" }, job.id, {
      send: true,
      signal: gone.signal,
    });
    expect(download.body).toBeNull();
    expect((await prisma().exportJob.findUniqueOrThrow({ where: { id: job.id } })).downloadCount).toBe(0);
    expect(await prisma().exportDownload.count({ where: { jobId: job.id } })).toBe(0);
    expect(await prisma().auditEvent.count({ where: { action: "export_downloaded", targetId: job.id } })).toBe(0);
    // The same download with its client still there is counted, and its body is the file.
    const kept = await downloadExport({ user: manager, ip: null, userAgent: "stayed" }, job.id, {
      send: true,
      signal: new AbortController().signal,
    });
    expect(await new Response(kept.body).text()).toBe("region,amount\r\nSeoul,100\r\n");
    expect((await prisma().exportJob.findUniqueOrThrow({ where: { id: job.id } })).downloadCount).toBe(1);
  });

  it("counts three downloads and records each with who, when, address and browser", async () => {
    const job = await makeJob();
    const before = new Date();
    for (let i = 0; i < 3; i++) {
      const response = await downloadUrlAs("manager", `/api/export/download/${job.id}`, {
        headers: { [PEER_HEADER]: `203.0.113.${i + 1}`, "user-agent": `OutportTest/${i}` },
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const after = await prisma().exportJob.findUniqueOrThrow({
      where: { id: job.id },
      include: { downloads: { orderBy: { id: "asc" } } },
    });
    expect(after.downloadCount).toBe(3);
    const manager = await demoUser("manager");
    expect(after.downloads.map((d) => [d.userId, d.ip, d.userAgent])).toEqual([
      [manager.id, "203.0.113.1", "OutportTest/0"],
      [manager.id, "203.0.113.2", "OutportTest/1"],
      [manager.id, "203.0.113.3", "OutportTest/2"],
    ]);
    for (const row of after.downloads) expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    const audited = await prisma().auditEvent.count({ where: { action: "export_downloaded", targetId: job.id } });
    expect(audited).toBe(3);
    expect((await jobJson("manager", job.id)).download_count).toBe(3);
  });

  it("HEAD runs the checks without counting or sending anything", async () => {
    const job = await makeJob();
    const head = await headAs("manager", job.id);
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers.get("content-length")).toBe(String(job.fileSize));
    expect((await prisma().exportJob.findUniqueOrThrow({ where: { id: job.id } })).downloadCount).toBe(0);
    expect((await headAs("manager2", job.id)).status).toBe(404);
  });

  it("refuses a file changed on disk, with a clear message and an audit event, and counts nothing", async () => {
    const job = await makeJob({ content: "region,amount\r\nSeoul,100\r\n" });
    writeFileSync(storedFile(job.storageKey), "region,amount\r\nSeoul,999\r\n");

    const refused = await downloadAs("manager", job.id);
    expect(refused.status).toBe(409);
    expect((await json<{ detail: string }>(refused)).detail).toBe(
      "The export file failed its integrity check and was not sent. Please export the dataset again.",
    );
    expect((await headAs("manager", job.id)).status).toBe(409);

    const events = await prisma().auditEvent.findMany({ where: { action: "integrity_failure", targetId: job.id } });
    expect(events).toHaveLength(2);
    expect(events[0]?.details).toMatchObject({ reason: "sha256_mismatch", expected: job.sha256 });
    const after = await prisma().exportJob.findUniqueOrThrow({ where: { id: job.id }, include: { downloads: true } });
    expect(after.downloadCount).toBe(0);
    expect(after.downloads).toHaveLength(0);
  });

  it("answers 410 for an expired export and for a file gone from the disk, naming no path", async () => {
    const expired = await makeJob({ expiresAt: new Date(Date.now() - 1000) });
    const gone = await downloadAs("manager", expired.id);
    expect(gone.status).toBe(410);
    expect((await json<{ detail: string }>(gone)).detail).toMatch(/expired/);

    const missing = await makeJob();
    rmSync(storedFile(missing.storageKey));
    const response = await downloadAs("manager", missing.id);
    expect(response.status).toBe(410);
    expect((await json<{ detail: string }>(response)).detail).toBe(
      "This export's file is no longer on the server. Export the dataset again.",
    );
    expect(await prisma().auditEvent.count({ where: { action: "integrity_failure", targetId: missing.id } })).toBe(1);
  });
});

describe("signed download URLs", () => {
  beforeEach(resetJobs);

  it("the status carries one that works without a session, for the owner and the admin", async () => {
    const job = await makeJob();
    const status = await jobJson("manager", job.id);
    expect(status.signed_download_url).toMatch(new RegExp(`^/api/export/download/${job.id}\\?token=`));
    expect(new Date(status.signed_url_expires_at ?? 0).getTime() - Date.now()).toBeGreaterThan(14 * 60 * 1000);
    const response = await downloadUrlAs(null, status.signed_download_url ?? "");
    expect(response.status).toBe(200);
    expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(job.sha256);

    const adminUrl = (await jobJson("admin", job.id)).signed_download_url ?? "";
    expect((await downloadUrlAs(null, adminUrl)).status).toBe(200);
    const rows = await prisma().exportDownload.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
    expect(rows.map((row) => row.userId)).toEqual([(await demoUser("manager")).id, (await demoUser("admin")).id]);
  });

  it("refuses an expired, tampered, malformed or another job's token with 403", async () => {
    const job = await makeJob();
    const other = await makeJob();
    const manager = await demoUser("manager");

    const expired = signDownload(job.id, manager.id, Date.now() - 16 * 60 * 1000).token;
    const expiredResponse = await downloadUrlAs(null, `/api/export/download/${job.id}?token=${expired}`);
    expect(expiredResponse.status).toBe(403);
    expect((await json<{ detail: string }>(expiredResponse)).detail).toMatch(/expired/);

    const valid = signDownload(job.id, manager.id).token;
    const [userPart, expiry, signature = ""] = valid.split(".");
    // The last of 43 base64url letters carries 2 unused bits: setting one keeps the bytes.
    const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const respelt = signature.slice(0, -1) + ALPHABET[ALPHABET.indexOf(signature.slice(-1)) + 1];
    expect(Buffer.from(respelt, "base64url").equals(Buffer.from(signature, "base64url"))).toBe(true);
    const tampered = [
      `${userPart}.${Number(expiry) + 3600}.${signature}`, // a longer life
      `${(await demoUser("admin")).id}.${expiry}.${signature}`, // another user
      `${userPart}.${expiry}.${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`, // one letter
      `${userPart}.${expiry}.${respelt}`, // the same bytes, spelt differently
      "not-a-token",
      "",
    ];
    for (const token of tampered) {
      const response = await downloadUrlAs(null, `/api/export/download/${job.id}?token=${encodeURIComponent(token)}`);
      expect(response.status, token).toBe(403);
      expect((await json<{ detail: string }>(response)).detail).toBe("This download link is not valid.");
    }
    // A good token for one job opens no other, even with the owner's session beside it.
    expect((await downloadUrlAs("manager", `/api/export/download/${other.id}?token=${valid}`)).status).toBe(403);
    expect((await downloadUrlAs(null, `/api/export/download/${job.id}?token=${valid}`)).status).toBe(200);
    expect((await prisma().exportJob.findUniqueOrThrow({ where: { id: other.id } })).downloadCount).toBe(0);
  });

  it("a token is only as good as its user: someone else's job is 404, a deactivated account 403", async () => {
    const job = await makeJob({ who: "manager" });
    const manager2 = await demoUser("manager2");
    const forManager2 = signedUrl(job.id, manager2.id);
    expect((await downloadUrlAs(null, forManager2)).status).toBe(404);

    const manager = await demoUser("manager");
    const url = signedUrl(job.id, manager.id);
    await prisma().user.update({ where: { id: manager.id }, data: { active: false } });
    try {
      expect((await downloadUrlAs(null, url)).status).toBe(403);
    } finally {
      await prisma().user.update({ where: { id: manager.id }, data: { active: true } });
    }
    expect((await downloadUrlAs(null, url)).status).toBe(200);
  });
});

describe("history", () => {
  beforeEach(resetJobs);

  it("shows managers their own exports newest first, admins everyone's with the user", async () => {
    const now = Date.now();
    const a = await makeJob({ who: "manager", format: "csv", createdAt: new Date(now - 3 * 60_000) });
    const b = await makeJob({ who: "manager", format: "excel", createdAt: new Date(now - 1 * 60_000) });
    const c = await makeJob({ who: "manager2", format: "json", createdAt: new Date(now - 2 * 60_000) });
    const d = await makeJob({
      who: "admin",
      title: "All Students 2024-2025",
      format: "parquet",
      createdAt: new Date(now),
    });

    const mine = await json<HistoryPage>(await historyAs("manager"));
    expect(mine.items.map((item) => item.job_id)).toEqual([b.id, a.id]);
    expect(mine.total).toBe(2);
    expect(mine.items[0]).toMatchObject({
      dataset_title: "Q1 Sales",
      format: "excel",
      status: "completed",
      download_count: 0,
    });
    expect(mine.items[0]?.file_size).toBe(Number(b.fileSize));

    expect((await json<HistoryPage>(await historyAs("manager2"))).items.map((item) => item.job_id)).toEqual([c.id]);
    expect((await json<HistoryPage>(await historyAs("viewer"))).items).toEqual([]);

    const all = await json<HistoryPage>(await historyAs("admin"));
    expect(all.items.map((item) => item.job_id)).toEqual([d.id, b.id, c.id, a.id]);
    expect(all.items.find((item) => item.job_id === c.id)).toMatchObject({ user_email: "manager2@outport.local" });

    const manager2 = await demoUser("manager2");
    const one = await json<HistoryPage>(await historyAs("admin", { user: String(manager2.id) }));
    expect(one.items.map((item) => item.job_id)).toEqual([c.id]);

    expect((await historyAs(null)).status).toBe(401);
    const forbidden = await historyAs("manager", { user: String(manager2.id) });
    expect(forbidden.status).toBe(403);
    expect((await json<{ detail: string }>(forbidden)).detail).toBe(
      "Only administrators can see other users' exports.",
    );
    expect((await historyAs("manager", { user: String((await demoUser("manager")).id) })).status).toBe(200);
  });

  it("status=active lists the waiting and running exports only, each user's own (the top bar's running exports)", async () => {
    const now = Date.now();
    const pending = await makeJob({ status: "pending", createdAt: new Date(now - 3000) });
    const running = await makeJob({ status: "processing", createdAt: new Date(now - 2000) });
    await makeJob({ status: "completed", createdAt: new Date(now - 1000) });
    await makeJob({ status: "failed", createdAt: new Date(now - 500) });
    await makeJob({ status: "cancelled", createdAt: new Date(now - 400) });
    const others = await makeJob({ who: "manager2", status: "processing", createdAt: new Date(now) });

    const active = await json<HistoryPage>(await historyAs("manager", { status: "active" }));
    expect(active.items.map((item) => item.job_id)).toEqual([running.id, pending.id]);
    expect(active.total).toBe(2);

    // The indicator asks with its own id, so an admin sees only their own there too.
    const admin = await demoUser("admin");
    expect(
      (await json<HistoryPage>(await historyAs("admin", { status: "active" }))).items.map((i) => i.job_id),
    ).toEqual([others.id, running.id, pending.id]);
    expect(
      (await json<HistoryPage>(await historyAs("admin", { status: "active", user: String(admin.id) }))).items,
    ).toEqual([]);

    const refused = await historyAs("manager", { status: "running" });
    expect(refused.status).toBe(422);
    expect(await text(refused)).toContain("active");
  });

  it("filters by format and status, hides expired exports unless asked, and pages", async () => {
    const now = Date.now();
    const csv = await makeJob({ format: "csv", createdAt: new Date(now - 5000) });
    const excel = await makeJob({ format: "excel", createdAt: new Date(now - 4000) });
    const failed = await makeJob({
      format: "csv",
      status: "failed",
      errorMessage: "job.error.disk_full",
      createdAt: new Date(now - 3000),
    });
    const expired = await makeJob({ format: "csv", status: "expired", createdAt: new Date(now - 2000) });
    const pastExpiry = await makeJob({
      format: "excel",
      expiresAt: new Date(now - 1000),
      createdAt: new Date(now - 1000),
    });

    const ids = async (query: Record<string, string>) =>
      (await json<HistoryPage>(await historyAs("manager", query))).items.map((i) => i.job_id);
    expect(await ids({})).toEqual([failed.id, excel.id, csv.id]);
    expect(await ids({ format: "excel" })).toEqual([excel.id]);
    expect(await ids({ format: "csv" })).toEqual([failed.id, csv.id]);
    expect(await ids({ status: "failed" })).toEqual([failed.id]);
    expect(await ids({ include_expired: "true" })).toEqual([pastExpiry.id, expired.id, failed.id, excel.id, csv.id]);
    expect(await ids({ status: "expired" })).toEqual([expired.id]);

    const first = await json<HistoryPage>(await historyAs("manager", { include_expired: "true", page_size: "2" }));
    expect(first).toMatchObject({ total: 5, page: 1, pages: 3, page_size: 2 });
    const third = await json<HistoryPage>(
      await historyAs("manager", { include_expired: "true", page_size: "2", page: "3" }),
    );
    expect(third.items.map((i) => i.job_id)).toEqual([csv.id]);
    expect((await json<HistoryPage>(await historyAs("manager"))).hidden_expired).toBe(2);

    const rows = (await json<HistoryPage>(await historyAs("manager", { include_expired: "true" }))).items;
    const failedRow = rows.find((row) => row.job_id === failed.id);
    expect(failedRow).toMatchObject({
      error_message: "Not enough disk space to write the export file.",
      download_url: null,
      signed_download_url: null,
    });
    for (const id of [expired.id, pastExpiry.id]) {
      expect(rows.find((row) => row.job_id === id)).toMatchObject({
        expired: true,
        download_url: null,
        signed_download_url: null,
      });
    }
  });

  it("refuses bad filters with 422 naming the field", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ format: "docx" }, "format"],
      [{ status: "done" }, "status"],
      [{ page: "0" }, "page"],
      [{ page_size: "1000" }, "page_size"],
      [{ user: "me" }, "user"],
      [{ include_expired: "maybe" }, "include_expired"],
      [{ fromat: "csv" }, "fromat"],
    ];
    for (const [query, field] of cases) {
      const response = await historyAs("manager", query);
      expect(response.status, JSON.stringify(query)).toBe(422);
      const body = await json<{ errors: Array<{ field: string }> }>(response);
      expect(body.errors.map((e) => e.field)).toContain(field);
    }
  });
});

describe("direct downloads in the history", () => {
  beforeEach(async () => {
    await resetJobs();
    await resetExportRequests((await demoUser("manager")).id);
  });

  it("lists a direct CSV download with its options, rows, bytes and the SHA-256 of the bytes sent", async () => {
    const options = { columns: ["order_id", "amount"], filters: [{ column: "amount", op: "lt", value: 0 }] };
    const response = await directExportAs("manager", "csv", "Q1 Sales", options);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    const records = parseCsv(bytes.toString("utf8").replace(/^\uFEFF/, "")).length - 1;
    expect(records).toBeGreaterThan(0);

    const page = await json<HistoryPage>(await historyAs("manager"));
    expect(page.items).toHaveLength(1);
    const item = page.items[0]!;
    expect(item).toMatchObject({
      delivery: "direct",
      status: "completed",
      format: "csv",
      dataset_title: "Q1 Sales",
      processed_rows: records,
      file_size: bytes.length,
      sha256: sha256(bytes),
      download_url: null,
      signed_download_url: null,
      expires_at: null,
      options: { columns: ["order_id", "amount"], filters: [{ column: "amount", op: "lt", value: 0 }] },
      options_summary: { columns: 2, filtered: true, filters: "amount lt 0" },
    });
    expect(item.file_name).toMatch(/^q1-sales_\d{8}_\d{6}\.csv$/);
    expect(item.options_summary!.total_columns).toBeGreaterThan(2);
    // Narrowed by delivery: the running-exports view asks for jobs only.
    expect((await json<HistoryPage>(await historyAs("manager", { delivery: "job" }))).items).toEqual([]);
    const directOnly = await json<HistoryPage>(await historyAs("manager", { delivery: "direct" }));
    expect(directOnly.items.map((i) => i.job_id)).toEqual([item.job_id]);
    expect((await historyAs("manager", { delivery: "stored" })).status).toBe(422);
    // The admin sees it in everyone's history too.
    expect((await json<HistoryPage>(await historyAs("admin"))).items.map((i) => i.job_id)).toEqual([item.job_id]);

    // Nothing was stored: no download, no cancel; deleting it hides it.
    expect((await downloadAs("manager", item.job_id)).status).toBe(404);
    expect((await cancelAs("manager", item.job_id)).status).toBe(409);
    expect((await deleteAs("manager", item.job_id)).status).toBe(204);
    expect((await json<HistoryPage>(await historyAs("manager"))).items).toEqual([]);
  });

  it("never answers a PDF job's chart images, in the history or its status", async () => {
    const image = chartPng(40, 20);
    const job = await makeJob({ format: "pdf", options: { include_charts: true, chart_images: [image, image] } });
    const page = await text(await historyAs("manager"));
    expect(page).not.toContain("chart_images");
    expect(page).not.toContain(image.slice(0, 40));
    const status = await text(await statusOf("manager", job.id));
    expect(status).not.toContain("chart_images");
    expect((JSON.parse(status) as { options: unknown }).options).toEqual({ include_charts: true });
  });

  it("hides filter values on sensitive columns from whoever may not see them, with no export again", async () => {
    // Asked for while the manager could still see sensitive data (or before the column was marked so).
    const options = {
      include_sensitive: true,
      filters: [
        { column: "api_key", op: "eq", value: "sk-secret-1" },
        { column: "session_token", op: "in", value: ["tok-secret-2"] },
        { column: "channel", op: "eq", value: "chat" },
      ],
      date_range: { start: "2025-01-01" },
    };
    const job = await makeJob({ title: "Agent Interactions (confidential)", options });
    const raw = await text(await historyAs("manager"));
    expect(raw).not.toContain("sk-secret-1");
    expect(raw).not.toContain("tok-secret-2");
    const [item] = (JSON.parse(raw) as HistoryPage).items;
    expect(item).toMatchObject({
      options_masked: true,
      options: {
        filters: [
          { column: "api_key", op: "eq", value: "[REDACTED]" },
          { column: "session_token", op: "in", value: ["[REDACTED]"] },
          { column: "channel", op: "eq", value: "chat" },
        ],
        // created_at, the dataset's date column, is not sensitive.
        date_range: { start: "2025-01-01" },
      },
    });
    const status = await text(await statusOf("manager", job.id));
    expect(status).not.toContain("sk-secret-1");
    expect(JSON.parse(status)).toMatchObject({ options_masked: true });
    // The admin may see sensitive data: the options as asked for.
    const [seen] = (await json<HistoryPage>(await historyAs("admin"))).items;
    expect(seen).toMatchObject({ options_masked: false, options });
    expect((await jobJson("admin", job.id)).options).toEqual(options);
  });

  it("a download with no options is summarised as every column, no filters", async () => {
    const response = await directExportAs("manager", "json", "Q1 Sales");
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    const [item] = (await json<HistoryPage>(await historyAs("manager"))).items;
    expect(item).toMatchObject({ delivery: "direct", sha256: sha256(bytes), file_size: bytes.length });
    expect(item?.options_summary).toMatchObject({ filtered: false, filters: "None: every record" });
    expect(item?.options_summary?.columns).toBe(item?.options_summary?.total_columns);
  });

  it("running direct downloads are no active jobs: not counted against the limit, never reaped", async () => {
    const manager = await demoUser("manager");
    const datasetId = await datasetIdOf("Q1 Sales");
    for (let i = 0; i < 3; i++) {
      await prisma().exportJob.create({
        data: { userId: manager.id, datasetId, format: "csv", options: {}, status: "processing", delivery: "direct" },
      });
    }
    // The limit of active jobs (3) is not reached by them.
    const job = await createdJob("manager", "Q1 Sales", "pdf");
    expect(job.status).toBe("pending");
    await prisma().exportJob.update({ where: { id: job.job_id }, data: { status: "cancelled" } });
    // The job runtime's reaper leaves them alone, whatever the lease.
    await reapJobs("export_jobs", "export", 0, 3);
    expect(await prisma().exportJob.count({ where: { delivery: "direct", status: "processing" } })).toBe(3);
  });

  it("the cleanup fails a direct download left running by a process that died, and only such one", async () => {
    const manager = await demoUser("manager");
    const datasetId = await datasetIdOf("Q1 Sales");
    const base = { userId: manager.id, datasetId, format: "csv", options: {}, delivery: "direct" } as const;
    const old = await prisma().exportJob.create({
      data: { ...base, status: "processing", startedAt: new Date(Date.now() - 2 * DAY) },
    });
    const live = await prisma().exportJob.create({ data: { ...base, status: "processing", startedAt: new Date() } });
    expect(await purgeExpiredExports()).toMatchObject({ abandoned_direct: 1 });
    expect(await jobJson("manager", old.id)).toMatchObject({
      status: "failed",
      error_message: "The download was interrupted: the server stopped while sending it.",
    });
    expect((await jobJson("manager", live.id)).status).toBe("processing");
  });
});

describe("deleting an export", () => {
  beforeEach(resetJobs);

  it("removes the file and the row from the history; the id is then unknown everywhere", async () => {
    const job = await makeJob();
    const keep = await makeJob();
    expect(existsSync(storedFile(job.storageKey))).toBe(true);

    expect((await deleteAs("manager", job.id)).status).toBe(204);
    expect(existsSync(storedFile(job.storageKey))).toBe(false);
    expect(existsSync(storedFile(keep.storageKey))).toBe(true);
    const list = await json<HistoryPage>(await historyAs("manager"));
    expect(list.items.map((item) => item.job_id)).toEqual([keep.id]);
    expect((await json<HistoryPage>(await historyAs("admin"))).items.map((item) => item.job_id)).toEqual([keep.id]);
    expect((await statusOf("manager", job.id)).status).toBe(404);
    expect((await downloadAs("manager", job.id)).status).toBe(404);
    expect((await deleteAs("manager", job.id)).status).toBe(404);

    const event = await prisma().auditEvent.findFirstOrThrow({ where: { action: "export_deleted", targetId: job.id } });
    expect(event.actorId).toBe((await demoUser("manager")).id);
    expect(event.details).toMatchObject({ file_removed: true, bytes_freed: Number(job.fileSize), format: "csv" });
  });

  it("lets the admin delete anyone's export; other managers and viewers get 404", async () => {
    const job = await makeJob({ who: "manager" });
    expect((await deleteAs("manager2", job.id)).status).toBe(404);
    expect((await deleteAs("viewer", job.id)).status).toBe(404);
    expect((await deleteAs(null, job.id)).status).toBe(401);
    expect(existsSync(storedFile(job.storageKey))).toBe(true);
    expect((await deleteAs("admin", job.id)).status).toBe(204);
    expect(existsSync(storedFile(job.storageKey))).toBe(false);
  });

  it("refuses a running export with 409 until it is cancelled; failed ones delete without a file", async () => {
    const running = await makeJob({ status: "processing" });
    const refused = await deleteAs("manager", running.id);
    expect(refused.status).toBe(409);
    expect((await json<{ detail: string }>(refused)).detail).toBe(
      "This export is still running. Cancel it first, then delete it.",
    );
    expect((await cancelAs("manager", running.id)).status).toBe(200);
    expect((await deleteAs("manager", running.id)).status).toBe(204);

    const failed = await makeJob({ status: "failed", errorMessage: "job.error.unexpected" });
    expect((await deleteAs("manager", failed.id)).status).toBe(204);
  });
});

describe("a job id guessed by someone else", () => {
  beforeEach(resetJobs);

  it("is 404 on status, download, delete, cancel and retry", async () => {
    const done = await makeJob({ who: "manager" });
    const failed = await makeJob({ who: "manager", status: "failed", errorMessage: "job.error.unexpected" });
    const pending = await makeJob({ who: "manager", status: "pending" });
    for (const who of ["manager2", "viewer"] as const) {
      expect((await statusOf(who, done.id)).status, `${who} status`).toBe(404);
      expect((await downloadAs(who, done.id)).status, `${who} download`).toBe(404);
      expect((await deleteAs(who, done.id)).status, `${who} delete`).toBe(404);
      expect((await cancelAs(who, pending.id)).status, `${who} cancel`).toBe(404);
      expect((await retryAs(who, failed.id)).status, `${who} retry`).toBe(404);
    }
    // As is an id that does not exist, or is not an id at all.
    for (const id of ["00000000-0000-4000-8000-000000000000", "../../etc/passwd", "1"]) {
      expect((await statusOf("manager", id)).status).toBe(404);
      expect((await downloadAs("manager", id)).status).toBe(404);
      expect((await deleteAs("manager", id)).status).toBe(404);
    }
    expect((await prisma().exportJob.findUniqueOrThrow({ where: { id: pending.id } })).status).toBe("pending");
  });
});

describe("retention", () => {
  beforeEach(resetJobs);

  it("marks and purges only expired exports, sweeps files nobody owns, and audits the run", async () => {
    const now = Date.now();
    const old = await makeJob({ createdAt: new Date(now - 8 * DAY), expiresAt: new Date(now - DAY) });
    const fresh = await makeJob({ createdAt: new Date(now - DAY), expiresAt: new Date(now + 6 * DAY) });
    const failed = await makeJob({
      status: "failed",
      errorMessage: "job.error.unexpected",
      createdAt: new Date(now - 9 * DAY),
    });
    const deleted = await makeJob();
    await prisma().exportJob.update({ where: { id: deleted.id }, data: { deletedAt: new Date() } });
    // A file published by a worker that died before recording it: old, and brand new.
    const oldOrphan = path.join(exportDir, newStorageKey("csv"));
    writeFileSync(oldOrphan, "orphan");
    utimesSync(oldOrphan, new Date(now - 2 * DAY), new Date(now - 2 * DAY));
    const newOrphan = path.join(exportDir, newStorageKey("csv"));
    writeFileSync(newOrphan, "just published");

    const result = await purgeExpiredExports({ trigger: "manual" });
    expect(result).toMatchObject({ expired_jobs: 1, orphans_removed: 1, files_removed: 3, errors: 0 });
    expect(result.bytes_freed).toBe(Number(old.fileSize) + Number(deleted.fileSize) + "orphan".length);

    expect(existsSync(storedFile(old.storageKey))).toBe(false);
    expect(existsSync(storedFile(deleted.storageKey))).toBe(false);
    expect(existsSync(oldOrphan)).toBe(false);
    expect(existsSync(storedFile(fresh.storageKey))).toBe(true);
    expect(existsSync(newOrphan)).toBe(true);
    const statuses = await prisma().exportJob.findMany({ where: { id: { in: [old.id, fresh.id, failed.id] } } });
    expect(Object.fromEntries(statuses.map((job) => [job.id, job.status]))).toEqual({
      [old.id]: "expired",
      [fresh.id]: "completed",
      [failed.id]: "failed",
    });

    expect((await downloadAs("manager", old.id)).status).toBe(410);
    expect((await downloadAs("manager", fresh.id)).status).toBe(200);
    const oldRow = (await json<HistoryPage>(await historyAs("manager", { include_expired: "true" }))).items.find(
      (i) => i.job_id === old.id,
    );
    expect(oldRow).toMatchObject({ status: "expired", expired: true, signed_download_url: null });

    const audit = await prisma().auditEvent.findMany({ where: { action: "retention_purge" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toMatchObject({ expired_jobs: 1, orphans_removed: 1, trigger: "manual" });

    // A second run finds nothing more to do, and says so.
    expect(await purgeExpiredExports()).toMatchObject({ expired_jobs: 0, files_removed: 0 });
    expect(await prisma().auditEvent.count({ where: { action: "retention_purge" } })).toBe(2);
  });

  it("is scheduled daily at 02:00 and runs once at start", async () => {
    const expired = await makeJob({ expiresAt: new Date(Date.now() - 1000) });
    const boss = await jobQueue();
    const retention = retentionSchedule(() => {});
    await startSchedules([retention], () => {});
    const schedules = (await boss.getSchedules()) as Array<{ name: string; cron: string }>;
    expect(schedules.find((s) => s.name === retention.name)?.cron).toBe("0 2 * * *");
    expect((await prisma().exportJob.findUniqueOrThrow({ where: { id: expired.id } })).status).toBe("expired");
    const event = await prisma().auditEvent.findFirstOrThrow({ where: { action: "retention_purge" } });
    expect(event.details).toMatchObject({ trigger: "startup", expired_jobs: 1 });
  });

  it("runs in one process at a time: a cleanup while another process runs one is skipped", async () => {
    const expired = await makeJob({ expiresAt: new Date(Date.now() - DAY) });
    const lines: string[] = [];
    const retention = retentionSchedule((line) => lines.push(line));
    // Another process's cleanup, as the database sees it: the lock held on another connection.
    const other = await pgPool().connect();
    try {
      await other.query("SELECT pg_advisory_lock($1, 0)", [RETENTION_LOCK]);
      await retention.run("schedule");
      expect(lines).toEqual(["retention (schedule): another process is running it"]);
      expect((await prisma().exportJob.findUniqueOrThrow({ where: { id: expired.id } })).status).toBe("completed");
      expect(await prisma().auditEvent.count({ where: { action: "retention_purge" } })).toBe(0);
    } finally {
      await other.query("SELECT pg_advisory_unlock($1, 0)", [RETENTION_LOCK]);
      other.release();
    }
    // Once it is over, the next run does the work, and lets go of the lock again.
    await retention.run("schedule");
    expect((await prisma().exportJob.findUniqueOrThrow({ where: { id: expired.id } })).status).toBe("expired");
    expect(await prisma().auditEvent.count({ where: { action: "retention_purge" } })).toBe(1);
    await retention.run("schedule");
    expect(await prisma().auditEvent.count({ where: { action: "retention_purge" } })).toBe(2);
  });
});

describe("responses", () => {
  it("never contain a file-system path", () => {
    expect(bodies.length).toBeGreaterThan(20);
    for (const body of bodies) {
      expect(body).not.toContain(exportDir);
      expect(body).not.toContain(os.tmpdir());
      expect(body).not.toMatch(/storage_?key/i);
    }
  });
});
