// PDF reports end to end on a real PostgreSQL (its own copy of the seeded database): the
// request is checked (row cap, chart images, always a job), the job lays the report out
// with progress, and the downloaded file reads back with the summary, every row and the
// browser's charts — in the requester's language.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, inject, it } from "vitest";
import { pgPool } from "@/lib/data/pg";
import { defineExportJob } from "@/lib/exports/export-job";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import { stopJobQueue } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { demoUser } from "../helpers/auth";
import { datasetTable } from "../helpers/dataset-rows";
import { chartPng, readPdf } from "../helpers/pdf";
import { createdJob, createJob, datasetIdOf, downloadAs, jobJson } from "./helpers";

process.env.DATABASE_URL = inject("pdfDatabaseUrl");
const exportDir = mkdtempSync(path.join(os.tmpdir(), "outport-pdf-"));
process.env.OUTPORT_EXPORT_DIR = exportDir;

const COURSES = "Course Evaluations"; // 1,200 rows, the manager's

async function finishedPdf(
  who: "admin" | "manager",
  title: string,
  options: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  const response = await createJob(who, { dataset_id: await datasetIdOf(title), format: "pdf", options }, headers);
  expect(response.status).toBe(202);
  const { job_id } = (await response.json()) as { job_id: string };
  expect(await runJob(defineExportJob({ dir: exportDir }), job_id, { heartbeatMs: 100 })).toBe("completed");
  const job = await jobJson(who, job_id);
  const file = await downloadAs(who, job_id);
  expect(file.status).toBe(200);
  expect(file.headers.get("content-type")).toBe("application/pdf");
  const bytes = Buffer.from(await file.arrayBuffer());
  return { job, bytes, ...(await readPdf(bytes)) };
}

beforeEach(async () => {
  for (const who of ["admin", "manager"] as const) await resetExportRequests((await demoUser(who)).id);
});

afterAll(async () => {
  await stopJobQueue({ graceful: false });
  rmSync(exportDir, { recursive: true, force: true });
});

describe("PDF reports", () => {
  it("runs as a job and reads back: title, date, Page i of N on every page, summary, first and last rows, CJK, chart images", async () => {
    const { job, bytes, pages, title } = await finishedPdf("manager", COURSES, {
      chart_images: [chartPng(640, 320), chartPng(800, 400)],
    });
    expect(job).toMatchObject({ status: "completed", progress: 100, processed_rows: 1200, total_rows: 1200 });
    expect(job.file_name).toMatch(/^course-evaluations_\d{8}_\d{6}\.pdf$/);
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    expect(title).toBe(COURSES);
    const today = new Date().toISOString().slice(0, 10);
    pages.forEach((page, i) => {
      expect(page.text).toContain(COURSES);
      expect(page.text).toContain(`Generated ${today}`);
      expect(page.text).toContain(`Page ${i + 1} of ${pages.length}`);
      expect(page.text).toContain(`© ${today.slice(0, 4)} Outport`);
    });
    const first = pages[0]?.text ?? "";
    expect(first).toMatch(/1,200\s+records/);
    expect(first).toContain("None: every record");
    expect(first).toContain("Records by Department");
    expect(first).toContain("Records per month (Submitted at)");

    // The statistics are those of the rows, computed by PostgreSQL.
    const courses = await datasetTable(COURSES);
    const { rows } = await pgPool().query<{ min: string; max: string }>(
      `SELECT min(${courses.column("difficulty")}) AS min, max(${courses.column("difficulty")}) AS max FROM ${courses.table}`,
    );
    expect(first).toMatch(new RegExp(`Difficulty\\s+${rows[0]?.min}\\s+[\\d.]+\\s+${rows[0]?.max}`));

    const all = pages.map((p) => p.text).join("\n");
    expect(all).toMatch(/\n1\s+[A-Z]{2}\d{3}\s/);
    expect(pages.at(-1)?.text).toMatch(/\n1,200\s+[A-Z]{2}\d{3}\s/);
    // Instructors' names whole; long comments cut to two lines, their start intact (a
    // cell's lines are written one after the other, so its text reads on across the break).
    for (const name of ["김민준", "이서연", "王伟", "李娜"]) expect(all).toContain(name);
    expect(all).toMatch(/José\s+Martínez/); // may wrap at its space
    const joined = all.replace(/\n/g, "");
    expect(joined).toContain("정말 유익");
    expect(joined).toContain("老师讲得很好");
    expect(all).toContain("…");
    expect(all).not.toMatch(/[\u4e00-\u9fff]-/); // Chinese breaks between characters, never with a hyphen
    expect(pages.reduce((n, p) => n + p.images, 0)).toBe(2);
  });

  it("summarises exactly the filtered rows, in Korean for a Korean requester, landscape when asked", async () => {
    const options = {
      filters: [{ column: "department", op: "eq", value: "Music" }],
      landscape: true,
      include_charts: false,
    };
    const { job, pages } = await finishedPdf("manager", COURSES, options, { "accept-language": "ko-KR,ko;q=0.9" });
    const courses = await datasetTable(COURSES);
    const { rows } = await pgPool().query<{ n: string }>(
      `SELECT count(*) AS n FROM ${courses.table} WHERE ${courses.column("department")} = 'Music'`,
    );
    const count = Number(rows[0]?.n);
    expect(job.total_rows).toBe(count);
    expect(pages[0]?.text).toMatch(new RegExp(`${count}\\s*건`));
    expect(pages[0]?.text).toContain("department eq Music");
    expect(pages[0]?.text).not.toContain("별 레코드 수");
    expect(pages.at(-1)?.text).toContain(`${pages.length}페이지 중 ${pages.length}페이지`);
    expect(Math.round(pages[0]?.width ?? 0)).toBe(842);
    expect(pages.reduce((n, p) => n + p.images, 0)).toBe(0);
  });

  it("refuses more rows than a PDF holds with 422 naming the cap and suggesting CSV or Excel", async () => {
    const response = await createJob("admin", {
      dataset_id: await datasetIdOf("All Students 2024-2025"),
      format: "pdf",
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { detail: string; errors: Array<{ field: string }> };
    expect(body.detail).toContain("20,000");
    expect(body.detail).toContain("CSV or Excel");
    expect(body.errors[0]?.field).toBe("format");
  });

  it("refuses bad chart images with 422 naming each, and chart images for another format", async () => {
    const id = await datasetIdOf(COURSES);
    const bad = await createJob("manager", {
      dataset_id: id,
      format: "pdf",
      options: {
        chart_images: [
          chartPng(100, 50),
          "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
          "data:image/png;base64,aGVsbG8gd29ybGQh",
        ],
      },
    });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { errors: Array<{ field: string; message: string }> };
    expect(body.errors).toEqual([
      { field: "chart_images.1", message: "must be a PNG data URL (data:image/png;base64,…)" },
      { field: "chart_images.2", message: "is not a PNG image" },
    ]);
    const tooMany = await createJob("manager", {
      dataset_id: id,
      format: "pdf",
      options: { chart_images: Array(5).fill(chartPng(10, 10)) },
    });
    expect(tooMany.status).toBe(422);
    const csv = await createJob("manager", {
      dataset_id: id,
      format: "csv",
      options: { chart_images: [chartPng(10, 10)] },
    });
    expect(csv.status).toBe(422);
    expect(((await csv.json()) as { errors: Array<{ field: string }> }).errors[0]?.field).toBe("chart_images");
  });

  it("queues a PDF as a job even when a direct download is asked for", async () => {
    const job = await createdJob("manager", COURSES, "pdf", {
      include_charts: false,
      columns: ["evaluation_id", "comment"],
    });
    expect(job.status).toBe("pending");
    expect(await runJob(defineExportJob({ dir: exportDir }), job.job_id)).toBe("completed");
  });
});
