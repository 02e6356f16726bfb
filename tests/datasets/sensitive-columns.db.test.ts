// Sensitive columns never reach a non-admin, by any path. A small dataset of its own,
// whose every column holds values that cannot occur by chance; each column is marked
// sensitive in turn, and everything a manager (the owner) and a viewer can get about the
// dataset is collected — the page's data, the HTTP API, exports in every format with and
// without filters on that column, job status and history, and the audit rows written —
// and searched for that column's values. The admin, who may see them, must find them in
// the same places: proof that the search would catch a leak.
//
// On the database copy the PDF tests use (its jobs are run here, by hand, not by workers)
// with users of its own, so the rate limits and the demo datasets of other files are untouched.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import { parquetReadObjects } from "hyparquet";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { GET as exportGet, POST as exportPost } from "@/app/api/export/[format]/[datasetId]/route";
import { POST as createAsync } from "@/app/api/export/async/route";
import { GET as download } from "@/app/api/export/download/[jobId]/route";
import { GET as history } from "@/app/api/export/history/route";
import { GET as status } from "@/app/api/export/status/[jobId]/route";
import { GET as recordsRoute } from "@/app/api/datasets/[id]/records/route";
import { GET as datasetRoute } from "@/app/api/datasets/[id]/route";
import { GET as datasetsRoute } from "@/app/api/datasets/route";
import type { CurrentUser } from "@/lib/auth/current-user";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { datasetCharts } from "@/lib/datasets/dataset-charts";
import { loadDatasetRows } from "@/lib/datasets/dataset-rows";
import { presentDataset } from "@/lib/datasets/present-dataset";
import { previewDataset } from "@/lib/datasets/preview-dataset";
import { datasetForViewer } from "@/lib/datasets/view-dataset";
import { defineExportJob } from "@/lib/exports/export-job";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import { stopJobQueue } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { routeContext, sessionCookie } from "../helpers/auth";
import { readPdf } from "../helpers/pdf";

process.env.DATABASE_URL = inject("pdfDatabaseUrl");
const exportDir = mkdtempSync(path.join(os.tmpdir(), "outport-sensitive-"));
process.env.OUTPORT_EXPORT_DIR = exportDir;

const ROWS = 24;
const TIERS = ["tier-aurora", "tier-borealis", "tier-cygnus"];

type Column = {
  key: string;
  label: string;
  type: "string" | "integer" | "number" | "date" | "datetime" | "json";
  value: (i: number) => unknown;
  /** Matches any of the column's values, in any of the forms a file or page shows them. */
  pattern: RegExp;
  /** A filter on this column that selects some rows. */
  filter: { op: string; value: unknown };
};

const pad = (n: number) => String(n).padStart(2, "0");
const COLUMNS: Column[] = [
  {
    key: "ref",
    label: "Reference",
    type: "string",
    value: (i) => `ref-q8v-${i}`,
    pattern: /ref-q8v/,
    filter: { op: "starts_with", value: "ref-q8v-1" },
  },
  {
    key: "api_key",
    label: "API key",
    type: "string",
    value: (i) => `sk-live-9fj${i}x`,
    pattern: /sk-live-9fj/,
    filter: { op: "eq", value: "sk-live-9fj3x" },
  },
  {
    key: "tier",
    label: "Tier",
    type: "string",
    value: (i) => TIERS[i % TIERS.length],
    pattern: /tier-(aurora|borealis|cygnus)/,
    filter: { op: "in", value: ["tier-aurora", "tier-cygnus"] },
  },
  {
    key: "amount",
    label: "Amount",
    type: "number",
    value: (i) => 7735911.25 + i,
    // Raw, grouped (PDF), and the statistics over them.
    pattern: /7,?735,?9\d\d/,
    filter: { op: "gt", value: 7735920 },
  },
  {
    key: "qty",
    label: "Quantity",
    type: "integer",
    value: (i) => 5550101 + i,
    pattern: /5,?550,?1\d\d/,
    filter: { op: "lte", value: 5550110 },
  },
  {
    key: "seen_on",
    label: "Seen on",
    type: "date",
    value: (i) => `2031-0${1 + (i % 3)}-${pad(1 + i)}`,
    // A month chart's labels are the values' first seven characters.
    pattern: /2031-0[1-3]/,
    filter: { op: "gte", value: "2031-02-01" },
  },
  {
    key: "at",
    label: "At",
    type: "datetime",
    value: (i) => `2042-0${4 + (i % 3)}-${pad(1 + i)}T11:22:33Z`,
    pattern: /2042-0[4-6]/,
    filter: { op: "lt", value: "2042-05-01T00:00:00Z" },
  },
  {
    key: "meta",
    label: "Meta",
    type: "json",
    value: (i) => ({ note: `jz-n0te-${i}` }),
    pattern: /jz-n0te/,
    filter: { op: "is_null", value: false },
  },
];

type Who = "admin" | "manager" | "viewer";
const users = {} as Record<Who, CurrentUser>;
let datasetId = 0;
let auditMark = 0;

async function request(who: Who, url: string, init: RequestInit = {}): Promise<Request> {
  const headers = new Headers(init.headers);
  headers.set("cookie", await sessionCookie(users[who].id));
  if (init.body) headers.set("content-type", "application/json");
  return new Request(new URL(url, "http://127.0.0.1:3000"), { ...init, headers });
}

/** Everything a response says, as text: JSON, CSV, or a file read back. */
async function responseText(response: Response): Promise<string> {
  const type = response.headers.get("content-type") ?? "";
  const bytes = Buffer.from(await response.arrayBuffer());
  if (type.includes("spreadsheetml")) {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(bytes).buffer);
    const cells: string[] = [];
    for (const ws of workbook.worksheets) {
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          const value = cell.value;
          cells.push(value instanceof Date ? value.toISOString() : JSON.stringify(value));
        }),
      );
    }
    return cells.join("\n");
  }
  if (type.includes("parquet") || bytes.subarray(0, 4).toString() === "PAR1") {
    const file = new Uint8Array(bytes).buffer;
    const rows = await parquetReadObjects({ file });
    return JSON.stringify(rows, (_key, value: unknown) =>
      typeof value === "bigint" ? value.toString() : value instanceof Date ? value.toISOString() : value,
    );
  }
  if (type.includes("pdf")) return (await readPdf(bytes)).pages.map((page) => page.text).join("\n");
  return `${response.status} ${bytes.toString("utf8")}`;
}

/** A PDF report as a job: requested, run to its end here, its status, its file and the history. */
async function pdfReport(who: Who, options: Record<string, unknown>): Promise<string[]> {
  await resetExportRequests(users[who].id);
  const accepted = await createAsync(
    await request(who, "/api/export/async", {
      method: "POST",
      body: JSON.stringify({ dataset_id: datasetId, format: "pdf", options }),
    }),
    routeContext({}),
  );
  const texts = [await responseText(accepted.clone())];
  if (accepted.status !== 202) return texts;
  const { job_id: jobId } = (await accepted.json()) as { job_id: string };
  expect(await runJob(defineExportJob({ dir: exportDir }), jobId, { heartbeatMs: 100 })).toBe("completed");
  const statusResponse = await status(await request(who, `/api/export/status/${jobId}`), routeContext({ jobId }));
  texts.push(await responseText(statusResponse));
  const file = await download(await request(who, `/api/export/download/${jobId}`), routeContext({ jobId }));
  expect(file.status).toBe(200);
  texts.push(await responseText(file));
  texts.push(await responseText(await history(await request(who, "/api/export/history"), routeContext({}))));
  return texts;
}

async function directExport(who: Who, format: string, options?: Record<string, unknown>): Promise<string> {
  await resetExportRequests(users[who].id);
  const params = routeContext({ format, datasetId: String(datasetId) });
  const url = `/api/export/${format}/${datasetId}`;
  const response =
    options === undefined
      ? await exportGet(await request(who, url), params)
      : await exportPost(await request(who, url, { method: "POST", body: JSON.stringify(options) }), params);
  return responseText(response);
}

/** Every response `who` can get about the dataset, with `column` as the one to filter on. */
async function everything(who: Who, column: Column): Promise<Record<string, string>> {
  const user = users[who];
  const seen: Record<string, string> = {};
  const id = String(datasetId);

  // The dataset page: the functions it calls.
  const dataset = await datasetForViewer(user, datasetId);
  seen.page = JSON.stringify({
    present: presentDataset(dataset, user),
    preview: await previewDataset(dataset, user, { limit: 200 }),
    charts: await datasetCharts(dataset, user),
  });
  // The HTTP API.
  seen.list = await responseText(await datasetsRoute(await request(who, "/api/datasets"), routeContext({})));
  seen.one = await responseText(await datasetRoute(await request(who, `/api/datasets/${id}`), routeContext({ id })));
  seen.records = await responseText(
    await recordsRoute(await request(who, `/api/datasets/${id}/records?limit=200`), routeContext({ id })),
  );

  // Exports, plain and filtered on the column (refused unless its values may be seen).
  const sensitive = who === "admin" ? { include_sensitive: true } : {};
  const onColumn = { ...sensitive, filters: [{ column: column.key, ...column.filter }] };
  const ranged =
    column.type === "date" || column.type === "datetime"
      ? { ...sensitive, date_range: { column: column.key, start: "2000-01-01" } }
      : null;
  for (const format of ["csv", "excel", "json", "ndjson", "parquet"]) {
    seen[`${format}`] = await directExport(who, format);
    seen[`${format}+options`] = await directExport(who, format, { ...sensitive });
    seen[`${format}+filter`] = await directExport(who, format, onColumn);
    if (ranged) seen[`${format}+range`] = await directExport(who, format, ranged);
  }
  // The summary and charts of a PDF report, and the echo of its filters.
  if (who !== "viewer") {
    seen.pdf = (await pdfReport(who, { ...sensitive, include_charts: true })).join("\n");
    seen["pdf+filter"] = (await pdfReport(who, { ...onColumn, include_charts: true })).join("\n");
  } else {
    seen.pdf = (await pdfReport(who, {})).join("\n");
  }
  // Asking for the sensitive values outright.
  seen.askSensitive = await directExport(who, "csv", { include_sensitive: true });

  const { rows } = await pgPool().query<{ row: unknown }>(
    "SELECT row_to_json(a) AS row FROM audit_events a WHERE id > $1 ORDER BY id",
    [auditMark],
  );
  seen.audit = JSON.stringify(rows.map((r) => r.row));
  return seen;
}

async function markSensitive(key: string | null) {
  await pgPool().query(
    "UPDATE dataset_columns SET sensitive = (key IS NOT DISTINCT FROM $2::text AND $2::text IS NOT NULL) WHERE dataset_id = $1",
    [datasetId, key],
  );
}

async function latestAuditId(): Promise<number> {
  const { rows } = await pgPool().query<{ id: number | null }>("SELECT max(id) AS id FROM audit_events");
  return rows[0]?.id ?? 0;
}

beforeAll(async () => {
  const stamp = `${process.pid}-${Date.now()}`;
  for (const role of ["admin", "manager", "viewer"] as const) {
    const user = await prisma().user.create({
      data: { email: `sensitive-${role}-${stamp}@outport.test`, name: `Sensitive ${role}`, passwordHash: "x", role },
    });
    users[role] = { id: user.id, email: user.email, name: user.name, role };
  }
  const dataset = await prisma().dataset.create({
    data: {
      title: `Sensitive probe ${stamp}`,
      ownerId: users.manager.id,
      dateColumn: "seen_on",
      categoryColumn: "tier",
      columns: {
        create: COLUMNS.map((c, position) => ({ position, key: c.key, label: c.label, type: c.type })),
      },
    },
  });
  datasetId = dataset.id;
  const rows = Array.from({ length: ROWS }, (_, i) => Object.fromEntries(COLUMNS.map((c) => [c.key, c.value(i)])));
  expect(await loadDatasetRows(datasetId, [rows])).toBe(ROWS);
});

afterAll(async () => {
  await markSensitive(null);
  await stopJobQueue({ graceful: false });
  rmSync(exportDir, { recursive: true, force: true });
});

describe("sensitive columns, each in turn", () => {
  for (const column of COLUMNS) {
    it(`${column.key}: no value reaches a manager or a viewer; the admin sees them`, async () => {
      await markSensitive(column.key);
      try {
        for (const who of ["manager", "viewer"] as const) {
          auditMark = await latestAuditId();
          const seen = await everything(who, column);
          const leaks = Object.entries(seen)
            .filter(([, text]) => column.pattern.test(text))
            .map(
              ([where, text]) =>
                `${who} ${where}: …${text.slice(Math.max(0, text.search(column.pattern) - 60), text.search(column.pattern) + 40)}…`,
            );
          expect(leaks).toEqual([]);
          // The other columns' values do come through: the search looks at real content.
          const other = COLUMNS.find((c) => c !== column && c.type === "string")!;
          expect(seen.records).toMatch(other.pattern);
          if (who === "manager") expect(seen.csv).toMatch(other.pattern);
        }

        auditMark = await latestAuditId();
        const admin = await everything("admin", column);
        // (An export carries them only when asked for: include_sensitive.)
        for (const where of ["page", "records", "pdf", "csv+filter", "excel+filter", "pdf+filter"])
          expect(admin[where], `admin ${where}`).toMatch(column.pattern);
        for (const format of ["csv", "excel", "json", "ndjson", "parquet"]) {
          expect(admin[`${format}+options`], `admin ${format}`).toMatch(column.pattern);
          expect(admin[format], `admin ${format} without include_sensitive`).not.toMatch(column.pattern);
        }
        if (column.key === "tier") expect(admin.page).toMatch(/"labels":\["tier-/);
        // Even the admin's filter on the sensitive column is masked in the audit trail.
        expect(admin.audit).toContain("export_requested");
        expect(admin.audit).not.toMatch(column.pattern);
      } finally {
        await markSensitive(null);
      }
    });
  }
});
