// GET /api/metrics on the real PostgreSQL: who may read it (an admin, or the scraper's
// token when one is set), that the answer is the Prometheus text format line by line, and
// that the totals come from the database: a finished CSV export job is counted with its
// rows and bytes. Also: the request id a job was asked for with is stored on its row and
// written on the worker's log lines for that job.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { GET } from "@/app/api/metrics/route";
import { prisma } from "@/lib/data/prisma";
import { exportJob } from "@/lib/exports/export-job";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import { stopJobQueue } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { setLogSink } from "@/lib/log";
import { demoUser, requestAs, routeContext, type DemoWho } from "../helpers/auth";
import { createdJob, createJob, datasetIdOf } from "../exports/helpers";

const exportDir = mkdtempSync(path.join(os.tmpdir(), "outport-metrics-"));
const savedDir = process.env.OUTPORT_EXPORT_DIR;
process.env.OUTPORT_EXPORT_DIR = exportDir;
const TOKEN = "metrics-scraper-token-0123456789";

afterAll(async () => {
  await stopJobQueue({ graceful: false });
  if (savedDir === undefined) delete process.env.OUTPORT_EXPORT_DIR;
  else process.env.OUTPORT_EXPORT_DIR = savedDir;
  rmSync(exportDir, { recursive: true, force: true });
});

afterEach(() => {
  delete process.env.OUTPORT_METRICS_TOKEN;
});

async function scrape(who: DemoWho | null, headers: Record<string, string> = {}): Promise<Response> {
  return GET(await requestAs(who, "/api/metrics", { headers }), routeContext({}));
}

async function metricsText(): Promise<string> {
  const response = await scrape("admin");
  expect(response.status).toBe(200);
  return response.text();
}

// One line of the text format: a comment (HELP or TYPE), or a sample: name, labels, value
// (NaN and Inf in any case, as Prometheus's own parser reads them).
const HELP = /^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/;
const TYPE = /^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram|summary|untyped)$/;
const SAMPLE =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (-?[0-9.e+-]+|[Nn][Aa][Nn]|[+-]?[Ii]nf)( -?\d+)?$/;

/** The value of the sample `name{labels}` (labels in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const match = /^([^{ ]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    const wanted = Object.entries(labels);
    if (wanted.length === Object.keys(found).length && wanted.every(([k, v]) => found[k] === v)) {
      return Number(match[3]);
    }
  }
  return undefined;
}

describe("who may read GET /api/metrics", () => {
  it("refuses a signed-out caller (401) and a manager (403)", async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape("manager")).status).toBe(403);
    expect((await scrape("viewer")).status).toBe(403);
  });

  it("answers an admin in the Prometheus text format", async () => {
    const response = await scrape("admin");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.headers.get("x-request-id")).toBeTruthy();
    const text = await response.text();
    const lines = text.split("\n").filter((line) => line !== "");
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines)
      expect(line, line).toMatch(line.startsWith("# HELP") ? HELP : line.startsWith("#") ? TYPE : SAMPLE);
    for (const name of [
      "outport_exports_total",
      "outport_export_duration_seconds",
      "outport_export_rows_total",
      "outport_export_bytes_total",
      "outport_downloads_total",
      "outport_imports_total",
      "outport_queue_depth",
      "outport_active_jobs",
      "outport_live_workers",
      "outport_process_cpu_user_seconds_total",
    ]) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, "outport_queue_depth", { type: "export", state: "pending" })).toBeGreaterThanOrEqual(0);
    expect(sample(text, "outport_live_workers")).toBeGreaterThanOrEqual(0);
  });

  it("answers the scraper's token when OUTPORT_METRICS_TOKEN is set, and 401 to a wrong one", async () => {
    process.env.OUTPORT_METRICS_TOKEN = TOKEN;
    const ok = await scrape(null, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("outport_exports_total");
    expect((await scrape(null, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await scrape(null, { authorization: "Bearer wrong" })).status).toBe(401);
    // A manager's session does not become an admin's with a wrong token either.
    expect((await scrape("manager", { authorization: "Bearer wrong" })).status).toBe(401);
  });

  it("accepts no token at all while OUTPORT_METRICS_TOKEN is unset", async () => {
    expect((await scrape(null, { authorization: `Bearer ${TOKEN}` })).status).toBe(401);
  });
});

describe("totals from the database", () => {
  beforeEach(async () => resetExportRequests((await demoUser("admin")).id));

  it("counts a completed CSV export job with its rows and bytes", async () => {
    const before = await metricsText();
    const counted = (text: string) =>
      sample(text, "outport_exports_total", { format: "csv", status: "completed", delivery: "job" }) ?? 0;
    const rows = (text: string) => sample(text, "outport_export_rows_total", { format: "csv" }) ?? 0;
    const bytes = (text: string) => sample(text, "outport_export_bytes_total", { format: "csv" }) ?? 0;
    const durations = (text: string) => sample(text, "outport_export_duration_seconds_count", { format: "csv" }) ?? 0;

    const { job_id } = await createdJob("admin", "Q1 Sales", "csv");
    expect(await runJob(exportJob, job_id)).toBe("completed");
    const job = await prisma().exportJob.findUniqueOrThrow({ where: { id: job_id } });
    expect(job.processedRows).toBeGreaterThan(0);

    const after = await metricsText();
    expect(counted(after)).toBeGreaterThanOrEqual(1);
    expect(counted(after)).toBeGreaterThanOrEqual(counted(before) + 1);
    expect(rows(after)).toBeGreaterThanOrEqual(rows(before) + job.processedRows);
    expect(bytes(after)).toBeGreaterThanOrEqual(bytes(before) + Number(job.fileSize));
    expect(durations(after)).toBeGreaterThanOrEqual(durations(before) + 1);
    expect(sample(after, "outport_export_duration_seconds_bucket", { format: "csv", le: "+Inf" })).toBe(
      durations(after),
    );
  });
});

describe("a request id carried into the job", () => {
  beforeEach(async () => resetExportRequests((await demoUser("admin")).id));

  it("is stored on the job row and written on the worker's lines for that job", async () => {
    const response = await createJob(
      "admin",
      { dataset_id: await datasetIdOf("Q1 Sales"), format: "csv" },
      { "x-request-id": "trace-me-123" },
    );
    expect(response.status).toBe(202);
    expect(response.headers.get("x-request-id")).toBe("trace-me-123");
    const { job_id } = (await response.json()) as { job_id: string };
    const row = await prisma().exportJob.findUniqueOrThrow({ where: { id: job_id } });
    expect(row.requestId).toBe("trace-me-123");

    const lines: string[] = [];
    const restore = setLogSink((line) => lines.push(line));
    try {
      expect(await runJob(exportJob, job_id)).toBe("completed");
    } finally {
      restore();
    }
    const mine = lines.filter((line) => line.includes(`job_id=${job_id}`));
    expect(mine.some((line) => line.includes("job started"))).toBe(true);
    expect(mine.some((line) => line.includes("job finished") && line.includes("outcome=completed"))).toBe(true);
    for (const line of mine) expect(line).toContain("request_id=trace-me-123");
  });

  it("gets a fresh id when the caller's is not a sane token", async () => {
    const response = await createJob(
      "admin",
      { dataset_id: await datasetIdOf("Q1 Sales"), format: "csv" },
      { "x-request-id": "<script>" },
    );
    expect(response.status).toBe(202);
    const id = response.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const { job_id } = (await response.json()) as { job_id: string };
    expect((await prisma().exportJob.findUniqueOrThrow({ where: { id: job_id } })).requestId).toBe(id);
    await prisma().exportJob.update({ where: { id: job_id }, data: { status: "cancelled" } });
  });
});
