// Background export jobs on a real PostgreSQL (a copy of the seeded test database, so the
// workers here see only these tests' jobs): the API, the lifecycle with monotonic
// progress, cancel, retry, the per-user limit, skipped records, a full disk, and a worker
// process killed with SIGKILL (or stopped with SIGTERM) in the middle of a job.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { config } from "@/lib/config";
import { prisma } from "@/lib/data/prisma";
import { defineExportJob, exportJob } from "@/lib/exports/export-job";
import { consumeExportRequest, resetExportRequests } from "@/lib/exports/export-rate-limit";
import { exportStore, newStorageKey } from "@/lib/files/export-store";
import { reapJobs } from "@/lib/jobs/job-table";
import { stopJobQueue } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { startWorker, type Worker } from "@/lib/jobs/worker";
import { demoUser } from "../helpers/auth";
import { parseCsv } from "../helpers/csv-parse";
import { cancelAs, createdJob, createJob, datasetIdOf, downloadAs, jobJson, retryAs, statusOf } from "./helpers";
import { waitUntil } from "../helpers/wait";

process.env.DATABASE_URL = inject("jobsDatabaseUrl");
const exportDir = mkdtempSync(path.join(os.tmpdir(), "outport-exports-"));
process.env.OUTPORT_EXPORT_DIR = exportDir;

const BIG = "All Students 2024-2025"; // 75,000 rows, the admin's
const WORKER_OPTIONS = { concurrency: 1, heartbeatMs: 200, leaseSeconds: 2, pollMs: 500 } as const;

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const partFiles = () => readdirSync(exportDir).filter((name) => name.endsWith(".part"));

async function cancelEverything() {
  await prisma().exportJob.updateMany({
    where: { status: { in: ["pending", "processing"] } },
    data: { status: "cancelled" },
  });
}

beforeEach(async () => {
  for (const who of ["admin", "manager", "manager2", "viewer"] as const)
    await resetExportRequests((await demoUser(who)).id);
});

afterAll(async () => {
  await cancelEverything();
  await stopJobQueue({ graceful: false });
  rmSync(exportDir, { recursive: true, force: true });
});

describe("creating jobs (no worker running)", () => {
  beforeEach(cancelEverything);

  it("answers 202 with the job id and status URL; the job is pending at once", async () => {
    const response = await createJob("manager", { dataset_id: await datasetIdOf("Q1 Sales"), format: "csv" });
    expect(response.status).toBe(202);
    const body = (await response.json()) as { job_id: string; status_url: string; warning?: string };
    expect(body.status_url).toBe(`/api/export/status/${body.job_id}`);
    expect(body.warning).toBeUndefined();
    const job = await jobJson("manager", body.job_id);
    expect(job).toMatchObject({
      status: "pending",
      progress: 0,
      format: "csv",
      dataset_title: "Q1 Sales",
      download_url: null,
    });
    // Audited with the job, in the same transaction.
    const audit = await prisma().auditEvent.findMany({
      where: { action: "export_requested", details: { path: ["job_id"], equals: body.job_id } },
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ targetType: "dataset", targetId: String(await datasetIdOf("Q1 Sales")) });
    expect(audit[0]?.details).toMatchObject({ format: "csv", delivery: "job" });
  });

  it("calls a running job whose heartbeat stopped 'stalled' and drops its stale time left", async () => {
    const { job_id } = await createdJob("manager", "Q1 Sales", "csv");
    // A worker took it and went quiet 60 s ago (none runs in this block to reap it).
    await prisma().exportJob.update({
      where: { id: job_id },
      data: { status: "processing", attempts: 1, etaSeconds: 4, heartbeatAt: new Date(Date.now() - 60_000) },
    });
    expect(await jobJson("manager", job_id)).toMatchObject({ status: "processing", stalled: true, eta_seconds: null });
    await prisma().exportJob.update({ where: { id: job_id }, data: { heartbeatAt: new Date() } });
    expect(await jobJson("manager", job_id)).toMatchObject({ status: "processing", stalled: false, eta_seconds: 4 });
  });

  it("refuses the 4th active job of a user with 429 'concurrent export limit', even when requests race", async () => {
    const id = await datasetIdOf("Q1 Sales");
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => createJob("manager", { dataset_id: id, format: "csv" })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    const refused = responses.find((r) => r.status === 429);
    expect(((await refused?.json()) as { detail: string }).detail).toContain("concurrent export limit");
    const pending = await prisma().exportJob.findMany({
      where: { user: { email: "manager@outport.local" }, status: "pending" },
    });
    expect(pending).toHaveLength(3);
    // One export_requested event per job created, none for the refused ones.
    const audited = await prisma().auditEvent.count({
      where: {
        action: "export_requested",
        OR: pending.map((job) => ({ details: { path: ["job_id"], equals: job.id } })),
      },
    });
    expect(audited).toBe(3);
    // Another user is not affected by the manager's jobs.
    expect((await createJob("admin", { dataset_id: id, format: "csv" })).status).toBe(202);
  });

  it("checks the request like a download: 403 viewer, 403 another's dataset, 422 per field, 404 unknown dataset", async () => {
    const q1 = await datasetIdOf("Q1 Sales");
    const viewer = await createJob("viewer", { dataset_id: q1, format: "csv" });
    expect(viewer.status).toBe(403);
    expect(((await viewer.json()) as { detail: string }).detail).toBe("You don't have permission to export");
    expect((await createJob("manager2", { dataset_id: q1, format: "csv" })).status).toBe(403);
    const invalid = await createJob("manager", {
      dataset_id: q1,
      format: "docx",
      options: { columns: ["nope"] },
      extra: 1,
    });
    expect(invalid.status).toBe(422);
    const fields = ((await invalid.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(["format", "extra"]));
    const unknownColumn = await createJob("manager", { dataset_id: q1, format: "csv", options: { columns: ["nope"] } });
    expect(unknownColumn.status).toBe(422);
    expect(JSON.stringify(await unknownColumn.json())).toContain("nope");
    expect((await createJob("manager", { dataset_id: 999_999, format: "csv" })).status).toBe(404);
    expect((await createJob("manager", {})).status).toBe(422);
  });

  it("warns about a large dataset, and refuses one over the row cap with 422", async () => {
    const saved = { ...config.export };
    try {
      config.export.largeExportRows = 50_000;
      const large = await createdJob("admin", BIG, "csv");
      expect(large.warning).toContain("75,000");
      config.export.rowCap = 50_000;
      const over = await createJob("admin", { dataset_id: await datasetIdOf(BIG), format: "csv" });
      expect(over.status).toBe(422);
      expect(((await over.json()) as { detail: string }).detail).toContain("50,000");
    } finally {
      Object.assign(config.export, saved);
    }
  });

  it("gives 404 for a job id that is not the caller's, or not a job at all", async () => {
    const job = await createdJob("manager", "Q1 Sales", "csv");
    for (const [who, id] of [
      ["manager2", job.job_id],
      ["viewer", job.job_id],
      ["manager", "00000000-0000-4000-8000-000000000000"],
      ["manager", "../../etc/passwd"],
    ] as const) {
      expect((await statusOf(who, id)).status).toBe(404);
      expect((await cancelAs(who, id)).status).toBe(404);
      expect((await retryAs(who, id)).status).toBe(404);
      expect((await downloadAs(who, id)).status).toBe(404);
    }
    // An admin may see and manage anyone's export.
    expect((await statusOf("admin", job.job_id)).status).toBe(200);
  });

  it("cancels a pending job; cancelling twice or retrying a pending one is a 409", async () => {
    const job = await createdJob("manager", "Q1 Sales", "csv");
    expect((await retryAs("manager", job.job_id)).status).toBe(409);
    const cancelled = await cancelAs("manager", job.job_id);
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as { status: string }).status).toBe("cancelled");
    expect((await cancelAs("manager", job.job_id)).status).toBe(409);
    expect((await downloadAs("manager", job.job_id)).status).toBe(409);
    const audit = await prisma().auditEvent.findFirst({
      where: { action: "export_cancelled", details: { path: ["job_id"], equals: job.job_id } },
    });
    expect(audit).not.toBeNull();
  });

  it("counts a retry against the per-minute limit, like any export request", async () => {
    const job = await createdJob("manager", "Q1 Sales", "csv");
    await cancelAs("manager", job.job_id);
    const manager = await demoUser("manager");
    await resetExportRequests(manager.id);
    for (let i = 0; i < config.export.requestsPerMinute; i++) await consumeExportRequest(manager.id);
    const refused = await retryAs("manager", job.job_id);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    await resetExportRequests(manager.id);
    expect((await retryAs("manager", job.job_id)).status).toBe(202);
  });

  it("checks the caps again when a job runs: one that grew past them fails saying so", async () => {
    const job = await createdJob("manager", "Student Enrollment 2024", "csv");
    const saved = config.export.rowCap;
    try {
      config.export.rowCap = 1000; // lowered (or the data grew) while the job waited
      expect(await runJob(defineExportJob({ dir: exportDir }), job.job_id)).toBe("failed");
    } finally {
      config.export.rowCap = saved;
    }
    const failed = await jobJson("manager", job.job_id);
    expect(failed).toMatchObject({ status: "failed", attempts: 1, download_url: null });
    expect(failed.error_message).toBe(
      "The export now has more rows than one export may hold. Narrow it with filters and export again.",
    );
    expect(readdirSync(exportDir)).toEqual([]);
  });

  it("removes the file of an attempt killed after publishing it, before its job was completed", async () => {
    const job = await createdJob("manager", "Q1 Sales", "csv");
    // The first attempt published its file under the key it had recorded, then died.
    const killedKey = newStorageKey("csv");
    await exportStore(exportDir).write(
      killedKey,
      (async function* () {
        yield Buffer.from("region,amount\r\n");
      })(),
    );
    await prisma().exportJob.update({ where: { id: job.job_id }, data: { storageKey: killedKey, attempts: 1 } });
    expect(readdirSync(exportDir)).toEqual([killedKey]);

    expect(await runJob(defineExportJob({ dir: exportDir }), job.job_id)).toBe("completed");
    const done = await prisma().exportJob.findUniqueOrThrow({ where: { id: job.job_id } });
    expect(done).toMatchObject({ status: "completed", attempts: 2 });
    expect(done.storageKey).not.toBe(killedKey);
    // Only the completed attempt's file is left.
    expect(readdirSync(exportDir)).toEqual([done.storageKey]);
    await exportStore(exportDir).remove(done.storageKey ?? "");
  });

  it("records the key before the first byte, and clears it when the write fails", async () => {
    const job = await createdJob("manager", "Student Enrollment 2024", "csv");
    let keyWhileWriting: string | null | undefined;
    const outcome = await runJob(
      defineExportJob({
        dir: exportDir,
        open: async () => {
          keyWhileWriting = (await prisma().exportJob.findUniqueOrThrow({ where: { id: job.job_id } })).storageKey;
          return fs.open("/dev/full", "w");
        },
      }),
      job.job_id,
    );
    expect(outcome).toBe("failed");
    expect(keyWhileWriting).toMatch(/^[0-9a-f-]{36}\.csv$/);
    expect((await prisma().exportJob.findUniqueOrThrow({ where: { id: job.job_id } })).storageKey).toBeNull();
  });

  it("fails a job with a plain message when the disk is full, and leaves no file", async () => {
    const job = await createdJob("manager", "Student Enrollment 2024", "excel");
    // /dev/full answers every write with ENOSPC, as a full disk does.
    const outcome = await runJob(
      defineExportJob({ dir: exportDir, open: () => fs.open("/dev/full", "w") }),
      job.job_id,
    );
    expect(outcome).toBe("failed");
    const failed = await jobJson("manager", job.job_id);
    expect(failed.status).toBe("failed");
    expect(failed.error_message).toBe("Not enough disk space to write the export file.");
    expect(failed.download_url).toBeNull();
    expect(readdirSync(exportDir)).toEqual([]);
    const ko = (await (await statusOf("manager", job.job_id, { "accept-language": "ko" })).json()) as {
      error_message: string;
    };
    expect(ko.error_message).toBe("디스크 공간이 부족하여 내보내기 파일을 저장하지 못했습니다.");
    const audit = await prisma().auditEvent.findFirst({
      where: { action: "export_failed", details: { path: ["job_id"], equals: job.job_id } },
    });
    expect(audit?.details).toMatchObject({ error: "job.error.disk_full" });
  });

  it("fails a job whose disk fills up part way with the rows it had done, on the row as in the audit", async () => {
    const job = await createdJob("admin", "All Students 2024-2025", "csv");
    // A disk with room for 3 MB: the first writes go through, then ENOSPC.
    let room = 3_000_000;
    const filling = async (file: string) => {
      const handle = await fs.open(file, "w");
      return new Proxy(handle, {
        get(target, key, receiver) {
          if (key !== "write") return Reflect.get(target, key, receiver) as unknown;
          return async (buffer: Uint8Array, offset = 0, length = buffer.byteLength - offset) => {
            if (room < length) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC" });
            room -= length;
            return target.write(buffer, offset, length);
          };
        },
      });
    };
    expect(await runJob(defineExportJob({ dir: exportDir, open: filling }), job.job_id)).toBe("failed");
    const failed = await jobJson("admin", job.job_id);
    const audit = await prisma().auditEvent.findFirst({
      where: { action: "export_failed", details: { path: ["job_id"], equals: job.job_id } },
    });
    expect(failed.processed_rows).toBeGreaterThan(0);
    expect(audit?.details).toMatchObject({ error: "job.error.disk_full", rows: failed.processed_rows });
  });

  it("fails a job whose export folder cannot be written, saying so", async () => {
    const job = await createdJob("manager", "Q1 Sales", "csv");
    const outcome = await runJob(defineExportJob({ dir: "/dev/null/exports" }), job.job_id);
    expect(outcome).toBe("failed");
    expect((await jobJson("manager", job.job_id)).error_message).toBe("The export folder is not writable.");
  });
});

describe("with a worker running", () => {
  let worker: Worker;
  const outcomes = new Map<string, string>();

  beforeAll(async () => {
    await cancelEverything();
    worker = await startWorker([exportJob], {
      ...WORKER_OPTIONS,
      onOutcome: (id, outcome) => outcomes.set(id, outcome),
    });
  });
  afterAll(async () => {
    await worker.stop();
  });

  it("runs pending → processing → completed with progress that never goes down, and serves the verified file", async () => {
    const job = await createdJob("admin", BIG, "excel");
    const seen = await waitUntil(
      () => jobJson("admin", job.job_id),
      (j) => j.status === "completed" || j.status === "failed",
      60_000,
      100,
    );
    const done = seen[seen.length - 1];
    expect(done?.status).toBe("completed");
    const statuses = [...new Set(seen.map((j) => j.status))];
    expect(statuses).toEqual(expect.arrayContaining(["processing", "completed"]));
    expect(statuses.indexOf("processing")).toBeLessThan(statuses.indexOf("completed"));
    const progress = seen.map((j) => j.progress);
    progress.slice(1).forEach((p, i) => expect(p).toBeGreaterThanOrEqual(progress[i] ?? 0));
    expect(progress.some((p) => p > 0 && p < 100)).toBe(true);
    const rows = seen.map((j) => j.processed_rows);
    rows.slice(1).forEach((r, i) => expect(r).toBeGreaterThanOrEqual(rows[i] ?? 0));
    expect(seen.some((j) => j.status === "processing" && j.eta_seconds !== null)).toBe(true);
    expect(done).toMatchObject({
      progress: 100,
      processed_rows: 75_000,
      total_rows: 75_000,
      eta_seconds: 0,
      attempts: 1,
    });
    expect(done?.download_url).toBe(`/api/export/download/${job.job_id}`);
    expect(done?.file_name).toMatch(/^all-students-2024-2025_\d{8}_\d{6}\.xlsx$/);
    expect(new Date(done?.expires_at ?? 0).getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);

    const response = await downloadAs("admin", job.job_id);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBe(done?.file_size);
    expect(sha256(bytes)).toBe(done?.sha256);
    expect(response.headers.get("x-checksum-sha256")).toBe(done?.sha256);
    expect(response.headers.get("repr-digest")).toBe(
      `sha-256=:${createHash("sha256").update(bytes).digest("base64")}:`,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets[0]?.rowCount).toBe(75_001);
    expect(partFiles()).toEqual([]);
    const row = await prisma().exportJob.findUniqueOrThrow({ where: { id: job.job_id } });
    expect(row.downloadCount).toBe(1);
    expect(await prisma().exportDownload.count({ where: { jobId: job.job_id } })).toBe(1);
    expect(
      await prisma().auditEvent.count({
        where: { action: "export_completed", details: { path: ["job_id"], equals: job.job_id } },
      }),
    ).toBe(1);
    expect(await prisma().auditEvent.count({ where: { action: "export_downloaded", targetId: job.job_id } })).toBe(1);
  });

  it("refuses to serve a file that changed on disk, with an audit event", async () => {
    const job = await createdJob("manager", "Q1 Sales", "csv");
    const [done] = (
      await waitUntil(
        () => jobJson("manager", job.job_id),
        (j) => j.status === "completed",
      )
    ).slice(-1);
    const row = await prisma().exportJob.findUniqueOrThrow({ where: { id: job.job_id } });
    const file = path.join(exportDir, row.storageKey ?? "");
    expect(done?.sha256).toBe(sha256(readFileSync(file)));
    await fs.appendFile(file, "tampered");
    const response = await downloadAs("manager", job.job_id);
    expect(response.status).toBe(409);
    expect(((await response.json()) as { detail: string }).detail).toContain("integrity check");
    expect(await prisma().auditEvent.count({ where: { action: "integrity_failure", targetId: job.job_id } })).toBe(1);
    expect(await prisma().exportDownload.count({ where: { jobId: job.job_id } })).toBe(0);
  });

  it("cancels a running job within 2 s, removing its temporary file; retry makes a new job that completes", async () => {
    const job = await createdJob("admin", BIG, "excel");
    await waitUntil(
      () => jobJson("admin", job.job_id),
      (j) => j.status === "processing" && j.processed_rows > 0,
      30_000,
    );
    expect(partFiles().length).toBe(1);
    const asked = Date.now();
    const response = await cancelAs("admin", job.job_id);
    expect(response.status).toBe(200);
    await waitUntil(
      async () => outcomes.get(job.job_id),
      (o) => o !== undefined,
      5_000,
      20,
    );
    expect(Date.now() - asked).toBeLessThan(2_000);
    expect(outcomes.get(job.job_id)).toBe("stopped");
    expect(partFiles()).toEqual([]);
    const cancelled = await jobJson("admin", job.job_id);
    expect(cancelled).toMatchObject({ status: "cancelled", download_url: null });
    expect(cancelled.progress).toBeLessThan(100);

    const retried = await retryAs("admin", job.job_id);
    expect(retried.status).toBe(202);
    const again = (await retried.json()) as { job_id: string };
    expect(again.job_id).not.toBe(job.job_id);
    const seen = await waitUntil(
      () => jobJson("admin", again.job_id),
      (j) => j.status === "completed" || j.status === "failed",
      60_000,
      200,
    );
    expect(seen[seen.length - 1]).toMatchObject({ status: "completed", retry_of: job.job_id, processed_rows: 75_000 });
    const [original, copy] = await Promise.all([
      prisma().exportJob.findUniqueOrThrow({ where: { id: job.job_id } }),
      prisma().exportJob.findUniqueOrThrow({ where: { id: again.job_id } }),
    ]);
    expect(copy.options).toEqual(original.options);
    expect(copy.format).toBe(original.format);
  });

  // Release 1 skipped a record that was not a JSON object, counting it and naming it in
  // the warnings. Typed storage holds no such record (the move at start-up turns one into
  // no row and an audit event), so a job's every row is written and nothing is skipped,
  // through PostgreSQL's CSV and through the parsed rows of the other formats alike.
  it.each(["csv", "ndjson"])("skips nothing and warns of nothing on typed storage (%s)", async (format) => {
    const job = await createdJob("manager", "Course Evaluations", format);
    const [done] = (
      await waitUntil(
        () => jobJson("manager", job.job_id),
        (j) => j.status === "completed" || j.status === "failed",
      )
    ).slice(-1);
    expect(done).toMatchObject({ status: "completed", skipped_rows: 0, processed_rows: 1200, warnings: [] });
    const text = (await (await downloadAs("manager", job.job_id)).text()).replace(/^\uFEFF/, "");
    if (format === "csv") expect(parseCsv(text)).toHaveLength(1201);
    else
      expect(
        text
          .trimEnd()
          .split("\n")
          .map((line) => JSON.parse(line) as unknown),
      ).toHaveLength(1200);
  });
});

describe("a worker process that dies", () => {
  const children: ChildProcess[] = [];
  function workerProcess(extraEnv: Record<string, string> = {}): ChildProcess {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
      env: {
        ...process.env,
        OUTPORT_EXPORT_DIR: exportDir,
        OUTPORT_WORKER_CONCURRENCY: "1",
        OUTPORT_JOB_HEARTBEAT_MS: "200",
        OUTPORT_JOB_LEASE_SECONDS: "2",
        OUTPORT_JOB_POLL_MS: "500",
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk: Buffer) => process.stderr.write(`[worker ${child.pid} out] ${chunk.toString()}`));
    child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[worker ${child.pid}] ${chunk.toString()}`));
    children.push(child);
    return child;
  }
  const exited = (child: ChildProcess) =>
    new Promise<number | null>((resolve) =>
      child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code)),
    );

  beforeEach(cancelEverything);
  afterAll(() => {
    for (const child of children) child.kill("SIGKILL");
  });

  it("killed with SIGKILL mid-job: after the lease, a new worker completes the job once, hash intact, no temp file", async () => {
    const job = await createdJob("admin", BIG, "excel");
    const first = workerProcess();
    await waitUntil(
      () => jobJson("admin", job.job_id),
      (j) => j.status === "processing" && j.processed_rows > 0,
      30_000,
      100,
    );
    first.kill("SIGKILL");
    await exited(first);
    const second = workerProcess();
    const seen = await waitUntil(
      () => jobJson("admin", job.job_id),
      (j) => ["completed", "failed"].includes(j.status),
      90_000,
      200,
    );
    const done = seen[seen.length - 1];
    expect(done).toMatchObject({ status: "completed", attempts: 2, processed_rows: 75_000 });
    const progress = seen.map((j) => j.progress);
    progress.slice(1).forEach((p, i) => expect(p).toBeGreaterThanOrEqual(progress[i] ?? 0));
    const row = await prisma().exportJob.findUniqueOrThrow({ where: { id: job.job_id } });
    const file = readFileSync(path.join(exportDir, row.storageKey ?? ""));
    expect(sha256(file)).toBe(row.sha256);
    expect(partFiles()).toEqual([]);
    expect(
      await prisma().auditEvent.count({
        where: { action: "export_completed", details: { path: ["job_id"], equals: job.job_id } },
      }),
    ).toBe(1);
    second.kill("SIGTERM");
    expect(await exited(second)).toBe(143);
  });

  it("stopped with SIGTERM mid-job: it hands the job back (attempt not counted) and exits", async () => {
    const job = await createdJob("admin", BIG, "excel");
    const worker = workerProcess({ OUTPORT_JOB_SHUTDOWN_GRACE_MS: "0" });
    await waitUntil(
      () => jobJson("admin", job.job_id),
      (j) => j.status === "processing" && j.processed_rows > 0,
      30_000,
      100,
    );
    worker.kill("SIGTERM");
    expect(await exited(worker)).toBe(143);
    const released = await prisma().exportJob.findUniqueOrThrow({ where: { id: job.job_id } });
    expect(released).toMatchObject({ status: "pending", attempts: 0 });
    expect(partFiles()).toEqual([]);
    await cancelAs("admin", job.job_id);
  });

  it("fails a job for good when its worker dies on the third attempt", async () => {
    const job = await createdJob("admin", "Q1 Sales", "csv");
    // Two earlier attempts died; the third is running on a worker that stopped beating.
    await prisma().exportJob.update({
      where: { id: job.job_id },
      data: { status: "processing", attempts: 3, heartbeatAt: new Date(Date.now() - 60_000) },
    });
    const reaped = await reapJobs(exportJob.table, exportJob.name, 2, 3);
    expect(reaped.failed.map((lost) => lost.id)).toContain(job.job_id);
    const failed = await jobJson("admin", job.job_id);
    expect(failed).toMatchObject({
      status: "failed",
      error_message: "The export was interrupted three times and has been stopped.",
    });
  });
});
