import { neutralizeCsvText } from "@/lib/export/formula";
import { beforeEach, describe, expect, it } from "vitest";
import { GET, POST } from "@/app/api/export/[format]/[datasetId]/route";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import { demoUser, requestAs, routeContext, type DemoWho } from "../helpers/auth";
import { parseCsv } from "../helpers/csv-parse";
import { datasetTable, storedRows } from "../helpers/dataset-rows";
import { waitUntil } from "../helpers/wait";

async function datasetId(title: string) {
  return (await prisma().dataset.findFirstOrThrow({ where: { title } })).id;
}

async function exportAs(
  who: DemoWho | null,
  format: string,
  title: string,
  options?: Record<string, unknown>,
  init: RequestInit = {},
) {
  const id = await datasetId(title);
  const params = routeContext({ format, datasetId: String(id) });
  if (options === undefined) return GET(await requestAs(who, `/api/export/${format}/${id}`, init), params);
  return POST(
    await requestAs(who, `/api/export/${format}/${id}`, { ...init, method: "POST", body: JSON.stringify(options) }),
    params,
  );
}

async function csvOf(response: Response): Promise<string[][]> {
  expect(response.status).toBe(200);
  return parseCsv((await response.text()).replace(/^\uFEFF/, ""));
}

beforeEach(async () => {
  for (const who of ["admin", "manager", "manager2", "viewer"] as const)
    await resetExportRequests((await demoUser(who)).id);
});

describe("CSV export over the route", () => {
  it("returns all 10,000 rows of a dataset, parsed back equal to the records", async () => {
    const response = await exportAs("admin", "csv", "Evaluation Results");
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="evaluation-results_\d{8}_\d{6}\.csv"; filename\*=UTF-8''evaluation-results_\d{8}_\d{6}\.csv$/,
    );
    const rows = await csvOf(response);
    const records = await storedRows("Evaluation Results");
    expect(rows[0]).toEqual([
      "Test ID",
      "Model",
      "Provider",
      "Success",
      "Score",
      "Execution time (s)",
      "Tokens used",
      "Cost (USD)",
      "Timestamp",
      "Error message",
    ]);
    expect(rows).toHaveLength(10_001);
    rows.slice(1).forEach((row, i) => {
      const r = records[i]!;
      expect(row).toEqual([
        r.test_id,
        r.model_name,
        r.provider,
        String(r.success),
        String(r.score),
        String(r.execution_time),
        String(r.tokens_used),
        String(r.cost),
        String(r.timestamp).replace("T", " ").replace("Z", ""),
        r.error_message === null ? "" : neutralizeCsvText(String(r.error_message)),
      ]);
    });
    expect(rows.some((row) => row[9]?.startsWith("'=ERROR()"))).toBe(true);
    expect(rows.some((row) => row[7]?.startsWith("-"))).toBe(true);
  });

  it("applies a column subset, renames, a date range and filters exactly", async () => {
    const rows = await csvOf(
      await exportAs("manager", "csv", "Q1 Sales", {
        columns: ["order_id", "amount", "region", "sale_date"],
        rename: { amount: "Total", order_id: "Order" },
        date_range: { start: "2025-02-01", end: "2025-02-28" },
        filters: [
          { column: "amount", op: "lt", value: 0 },
          { column: "region", op: "in", value: ["Europe", "APAC"] },
        ],
        bom: false,
      }),
    );
    const expected = (await storedRows("Q1 Sales"))
      .filter((r) => (r.sale_date as string) >= "2025-02-01" && (r.sale_date as string) <= "2025-02-28")
      .filter((r) => (r.amount as number) < 0 && ["Europe", "APAC"].includes(r.region as string))
      .map((r) => [r.order_id, String(r.amount), r.region, r.sale_date]);
    expect(rows[0]).toEqual(["Order", "Total", "Region", "Sale date"]);
    expect(expected.length).toBeGreaterThan(3);
    expect(rows.slice(1)).toEqual(expected);
  });

  it("combines filters with any, and filters text case-insensitively", async () => {
    const rows = await csvOf(
      await exportAs("manager", "csv", "Q1 Sales", {
        columns: ["order_id"],
        filters: [
          { column: "customer", op: "contains", value: "PEÑA" },
          { column: "quantity", op: "between", value: [39, 40] },
        ],
        filter_mode: "any",
      }),
    );
    const expected = (await storedRows("Q1 Sales"))
      .filter(
        (r) =>
          String(r.customer).toLowerCase().includes("peña") ||
          ((r.quantity as number) >= 39 && (r.quantity as number) <= 40),
      )
      .map((r) => [r.order_id]);
    expect(rows.slice(1)).toEqual(expected);
  });

  it("takes options from the query string and a semicolon delimiter", async () => {
    const id = await datasetId("Course Evaluations");
    const response = await GET(
      await requestAs(
        "manager",
        `/api/export/csv/${id}?columns=evaluation_id,comment&delimiter=;&filters=${encodeURIComponent('[{"column":"evaluation_id","op":"lte","value":3}]')}`,
      ),
      routeContext({ format: "csv", datasetId: String(id) }),
    );
    const rows = parseCsv((await response.text()).replace(/^\uFEFF/, ""), ";");
    expect(rows.map((r) => r[0])).toEqual(["Evaluation ID", "1", "2", "3"]);
  });

  it("redacts sensitive columns for a non-admin export and shows them to an admin who asks", async () => {
    const asAdmin = await csvOf(
      await exportAs("admin", "csv", "Agent Interactions (confidential)", {
        columns: ["interaction_id", "api_key"],
        include_sensitive: true,
      }),
    );
    expect(asAdmin[1]?.[1]).toMatch(/^sk-live-/);
    const adminDefault = await csvOf(
      await exportAs("admin", "csv", "Agent Interactions (confidential)", { columns: ["api_key"] }),
    );
    expect(adminDefault[1]).toEqual(["[REDACTED]"]);
  });
});

describe("who may export", () => {
  it.each([
    ["admin", "Q1 Sales", 200],
    ["admin", "All Students 2024-2025", 200],
    ["manager", "Q1 Sales", 200],
    ["manager", "All Students 2024-2025", 403],
    ["manager2", "Q1 Sales", 403],
    ["viewer", "Q1 Sales", 403],
    [null, "Q1 Sales", 401],
  ] as const)("%s exporting %s → %i", async (who, title, status) => {
    const response = await exportAs(who, "ndjson", title, {
      columns: [title === "Q1 Sales" ? "order_id" : "student_id"],
    });
    expect(response.status).toBe(status);
    await response.body?.cancel();
  });

  it("tells a viewer, in English or Korean, and audits the refusal", async () => {
    const en = await exportAs("viewer", "csv", "Q1 Sales");
    expect(await en.json()).toEqual({ detail: "You don't have permission to export" });
    const ko = await exportAs("viewer", "csv", "Q1 Sales", undefined, { headers: { "accept-language": "ko-KR" } });
    expect(await ko.json()).toEqual({ detail: "내보내기 권한이 없습니다" });
    const viewer = await demoUser("viewer");
    const denied = await prisma().auditEvent.findMany({
      where: { actorId: viewer.id, action: "export_denied" },
      orderBy: { id: "desc" },
      take: 2,
    });
    expect(denied.map((e) => e.details)).toEqual([
      { format: "csv", reason: "role" },
      { format: "csv", reason: "role" },
    ]);
  });

  it("refuses include_sensitive to a manager", async () => {
    const response = await exportAs("manager", "csv", "Q1 Sales", { include_sensitive: true });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ detail: "Only admins can include sensitive columns" });
  });

  it("audits a completed export with rows and bytes", async () => {
    const admin = await demoUser("admin");
    const before = new Date();
    await (await exportAs("admin", "json", "Course Evaluations")).text();
    await new Promise((r) => setTimeout(r, 50));
    const events = await prisma().auditEvent.findMany({
      where: { actorId: admin.id, createdAt: { gte: before } },
      orderBy: { id: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual(["export_requested", "export_completed"]);
    expect(events[1]?.details).toMatchObject({ format: "json", rows: 1200, delivery: "direct" });
  });
});

describe("refusals are 4xx with a reason", () => {
  it.each([
    ["xml", 404],
    ["CSV", 404],
  ])("unknown format %s → %i", async (format, status) => {
    expect((await exportAs("admin", format, "Q1 Sales")).status).toBe(status);
  });

  it("answers 422 for an unknown column, naming it", async () => {
    const response = await exportAs("manager", "csv", "Q1 Sales", { columns: ["order_id", "revenue"] });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      detail: "Some fields are invalid.",
      errors: [{ field: "columns.1", message: 'unknown column "revenue"' }],
    });
    const manager = await demoUser("manager");
    const refusal = await prisma().auditEvent.findFirst({
      where: { actorId: manager.id, action: "export_denied" },
      orderBy: { id: "desc" },
    });
    expect(refusal?.details).toEqual({ format: "csv", reason: "invalid" });
  });

  it("answers 422 for a body that is not JSON, and for gzip on Excel", async () => {
    const id = await datasetId("Q1 Sales");
    const bad = await POST(
      await requestAs("manager", `/api/export/csv/${id}`, { method: "POST", body: "{columns:" }),
      routeContext({ format: "csv", datasetId: String(id) }),
    );
    expect(bad.status).toBe(422);
    expect(await bad.json()).toMatchObject({ errors: [{ field: "(body)", message: "must be valid JSON" }] });
    const gz = await exportAs("manager", "excel", "Q1 Sales", { compression: "gzip" });
    expect(gz.status).toBe(422);
  });

  it("queues an Excel export over the direct limit as a job (202), and serves one under it", async () => {
    const over = await exportAs("manager", "excel", "Student Enrollment 2024");
    expect(over.status).toBe(202);
    const accepted = (await over.json()) as { job_id: string; status_url: string; warning?: string };
    expect(accepted.status_url).toBe(`/api/export/status/${accepted.job_id}`);
    expect(over.headers.get("location")).toBe(accepted.status_url);
    expect(accepted.warning).toBeUndefined();
    const job = await prisma().exportJob.findUniqueOrThrow({ where: { id: accepted.job_id } });
    expect(job).toMatchObject({ status: "pending", format: "excel", totalRows: 8500 });
    // No worker runs in this test database: the job is cancelled so it holds no slot.
    await prisma().exportJob.update({ where: { id: job.id }, data: { status: "cancelled" } });
    const under = await exportAs("manager", "excel", "Student Enrollment 2024", {
      filters: [{ column: "department", op: "eq", value: "Music" }],
    });
    expect(under.status).toBe(200);
    expect(under.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const bytes = Buffer.from(await under.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe("PK");
  });

  it("answers 429 with Retry-After to the 11th request in a minute", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const response = await exportAs("manager2", "csv", "Q1 Sales");
      statuses.push(response.status);
      if (i === 10) {
        expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
        expect(((await response.json()) as { detail: string }).detail).toMatch(
          /^Too many requests\. Try again in \d+ s\.$/,
        );
      }
    }
    expect(statuses).toEqual([...Array(10).fill(403), 429]);
    const manager2 = await demoUser("manager2");
    const refusal = await prisma().auditEvent.findFirst({
      where: { actorId: manager2.id, action: "export_denied" },
      orderBy: { id: "desc" },
    });
    expect(refusal?.details).toEqual({ format: "csv", reason: "rate_limited" });
  });
});

describe("streaming", () => {
  it("sends gzip when asked, with the .csv.gz name", async () => {
    const response = await exportAs("manager", "csv", "Q1 Sales", { compression: "gzip" });
    expect(response.headers.get("content-type")).toBe("application/gzip");
    expect(response.headers.get("content-disposition")).toMatch(/\.csv\.gz"/);
    const { gunzipSync } = await import("node:zlib");
    const text = gunzipSync(Buffer.from(await response.arrayBuffer())).toString("utf8");
    expect(text.split("\r\n")).toHaveLength(3502);
  });

  it("stops reading and releases its connection when the client goes away", async () => {
    const { table } = await datasetTable("All Students 2024-2025");
    const pool = pgPool();
    // Any query on the rows table or any COPY but this check's own, and the pool's
    // connections checked out or waited for (counted before the check takes one).
    const busy = async () => {
      const waiting = pool.waitingCount;
      const checkedOut = pool.totalCount - pool.idleCount;
      const { rows } = await pool.query<{ query: string }>(
        `SELECT query FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
            AND (strpos(query, $1) > 0 OR query ~* '^\\s*copy\\M')`,
        [table],
      );
      return { queries: rows.map((r) => r.query), waiting, checkedOut };
    };
    const abort = new AbortController();
    const response = await exportAs("admin", "csv", "All Students 2024-2025", undefined, { signal: abort.signal });
    const reader = response.body!.getReader();
    // Past the header, into the rows: the COPY is running, held back by the unread stream.
    let received = 0;
    while (received < 100_000) {
      const chunk = await reader.read();
      expect(chunk.done).toBe(false);
      received += chunk.value?.length ?? 0;
    }
    const reading = await busy();
    expect(reading.queries).toEqual([expect.stringMatching(/^COPY /)]);
    expect(reading.checkedOut).toBe(1);
    await reader.cancel();
    abort.abort();
    // The COPY is cancelled and its connection given back: wait for both, then check them.
    const settled = (await waitUntil(busy, (b) => b.queries.length === 0 && b.checkedOut === 0 && b.waiting === 0)).at(
      -1,
    );
    expect(settled).toEqual({ queries: [], waiting: 0, checkedOut: 0 });
    const admin = await demoUser("admin");
    const cancelled = await prisma().auditEvent.findFirst({
      where: { actorId: admin.id, action: "export_cancelled" },
      orderBy: { id: "desc" },
    });
    expect(cancelled).not.toBeNull();
  });
});
