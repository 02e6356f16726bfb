// Text no field may carry — a NUL character, half of a UTF-16 surrogate pair — in every
// input of every API route: each query parameter, each path parameter, each JSON body
// field at any depth (keys too). Every one is a 422 naming the field, in English and
// Korean, before anything runs: no 5xx, no half-written stream, no job, and the refusals
// that are audited reach the audit trail. (Query strings and paths are percent-decoded:
// bytes that are not UTF-8 arrive as U+FFFD, so only NUL can arrive there; a lone
// surrogate arrives through a JSON escape, `"\ud800"`.)
import { beforeEach, describe, expect, it } from "vitest";
import { GET as datasetRecords } from "@/app/api/datasets/[id]/records/route";
import { POST as datasetImport } from "@/app/api/datasets/[id]/import/route";
import { DELETE as datasetDelete, GET as datasetOne, PATCH as datasetPatch } from "@/app/api/datasets/[id]/route";
import { POST as datasetInspect } from "@/app/api/datasets/inspect/route";
import { POST as datasetCreate } from "@/app/api/datasets/route";
import { POST as importCancel } from "@/app/api/imports/[jobId]/cancel/route";
import { GET as importRejected } from "@/app/api/imports/[jobId]/rejected/route";
import { GET as importStatus } from "@/app/api/imports/[jobId]/route";
import { GET as auditExport } from "@/app/api/audit/export/route";
import { GET as auditList } from "@/app/api/audit/route";
import { GET as exportGet, POST as exportPost } from "@/app/api/export/[format]/[datasetId]/route";
import { POST as exportAsync } from "@/app/api/export/async/route";
import { GET as download } from "@/app/api/export/download/[jobId]/route";
import { DELETE as historyDelete } from "@/app/api/export/history/[jobId]/route";
import { GET as historyList } from "@/app/api/export/history/route";
import { POST as jobCancel } from "@/app/api/export/jobs/[jobId]/cancel/route";
import { POST as jobRetry } from "@/app/api/export/jobs/[jobId]/retry/route";
import { GET as jobStatus } from "@/app/api/export/status/[jobId]/route";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import { LOCALE_COOKIE } from "@/lib/i18n";
import { en } from "@/lib/i18n/en";
import { ko } from "@/lib/i18n/ko";
import { demoUser, requestAs, routeContext } from "../helpers/auth";

type Route = (req: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
/** Handlers of every parameter type, called with the parameters each case gives. */
const asRoute = (handler: unknown) => handler as Route;
type Case = {
  name: string;
  route: Route;
  method?: string;
  url: string;
  params?: Record<string, string>;
  body?: string;
  /** The body's type (default JSON); an upload's metadata goes in a multipart body. */
  contentType?: string;
  field: string;
};

const NUL = "a\u0000b";
const LONE = "a\ud800b";
const SOME_JOB = "00000000-0000-4000-8000-000000000000";
const dataset = async () => (await prisma().dataset.findFirstOrThrow({ where: { title: "Q1 Sales" } })).id;

/** Every query parameter of a GET route, NUL in its value (and one NUL in a parameter's name). */
function queryCases(
  name: string,
  route: Route,
  path: string,
  params: Record<string, string>,
  fields: string[],
): Case[] {
  return [
    ...fields.map((field) => ({ name: `${name} ?${field}=`, route, url: `${path}?${field}=a%00b`, params, field })),
    { name: `${name} a parameter named with NUL`, route, url: `${path}?a%00b=1`, params, field: "a\\u0000b" },
  ];
}

/** The settings an upload route takes in its query string (a plain file body). */
const UPLOAD_QUERY = ["format", "encoding", "delimiter", "sheet", "header", "file_name", "metadata"];
const CREATE_QUERY = [
  ...UPLOAD_QUERY,
  "title",
  "description",
  "columns",
  "date_column",
  "category_column",
  "max_rejected_rows",
];
const BOUNDARY = "unsafe-input";

/** A multipart upload whose metadata part carries `metadata`, with a small file. */
function uploadBody(metadata: unknown): { body: string; contentType: string } {
  const body =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(metadata)}\r\n` +
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.ndjson"\r\n\r\n{"a":1}\n\r\n--${BOUNDARY}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary=${BOUNDARY}` };
}

/** An upload route's query parameters, NUL in each value (POST, no body: refused before one is read). */
function uploadQueryCases(
  name: string,
  route: Route,
  path: string,
  params: Record<string, string>,
  fields: string[],
): Case[] {
  return queryCases(name, route, path, params, fields).map((c) => ({ ...c, method: "POST" }));
}

const EXPORT_QUERY = [
  "columns",
  "rename",
  "filters",
  "date_range",
  "start",
  "end",
  "date_column",
  "filter_mode",
  "include_sensitive",
  "include_charts",
  "chart_images",
  "delimiter",
  "bom",
  "compression",
  "timezone",
  "landscape",
];

/** JSON bodies with an unsafe text in one place, and the field each must name. */
function bodyFields(bad: string): Array<{ options: unknown; field: string }> {
  return [
    { options: { columns: ["region", bad] }, field: "columns.1" },
    { options: { rename: { region: bad } }, field: "rename.region" },
    { options: { rename: { [bad]: "Region" } }, field: JSON.stringify(bad).slice(1, -1).replace(/^/, "rename.") },
    { options: { filters: [{ column: "region", op: "eq", value: bad }] }, field: "filters.0.value" },
    { options: { filters: [{ column: "region", op: "in", value: ["x", bad] }] }, field: "filters.0.value.1" },
    { options: { filters: [{ column: bad, op: "eq", value: "x" }] }, field: "filters.0.column" },
    { options: { filters: [{ column: "region", op: bad, value: "x" }] }, field: "filters.0.op" },
    { options: { date_range: { column: "sale_date", start: bad } }, field: "date_range.start" },
    { options: { filter_mode: bad }, field: "filter_mode" },
    { options: { delimiter: bad }, field: "delimiter" },
    { options: { compression: bad }, field: "compression" },
    { options: { timezone: bad }, field: "timezone" },
    { options: { chart_images: [bad] }, field: "chart_images.0" },
    { options: { deep: [{ a: [{ b: bad }] }] }, field: "deep.0.a.0.b" },
  ];
}

async function cases(): Promise<Case[]> {
  const id = String(await dataset());
  const exportParams = { format: "csv", datasetId: id };
  const exportPath = `/api/export/csv/${id}`;
  const list: Case[] = [
    ...queryCases("GET /api/audit", asRoute(auditList), "/api/audit", {}, [
      "actor",
      "action",
      "target_type",
      "target_id",
      "dataset",
      "from",
      "to",
      "page",
      "page_size",
    ]),
    ...queryCases("GET /api/audit/export", asRoute(auditExport), "/api/audit/export", {}, [
      "actor",
      "action",
      "target_type",
      "target_id",
      "dataset",
      "from",
      "to",
    ]),
    ...queryCases("GET /api/export/history", asRoute(historyList), "/api/export/history", {}, [
      "format",
      "status",
      "user",
      "include_expired",
      "page",
      "page_size",
    ]),
    ...queryCases("GET /api/datasets/:id/records", asRoute(datasetRecords), `/api/datasets/${id}/records`, { id }, [
      "after",
      "before",
      "limit",
    ]),
    ...queryCases("GET /api/export/:format/:id", asRoute(exportGet), exportPath, exportParams, EXPORT_QUERY),
    ...queryCases(
      "GET /api/export/download/:jobId",
      asRoute(download),
      `/api/export/download/${SOME_JOB}`,
      {
        jobId: SOME_JOB,
      },
      ["token"],
    ),
    ...uploadQueryCases("POST /api/datasets/inspect", asRoute(datasetInspect), "/api/datasets/inspect", {}, [
      ...UPLOAD_QUERY,
      "partial",
    ]),
    ...uploadQueryCases("POST /api/datasets", asRoute(datasetCreate), "/api/datasets", {}, CREATE_QUERY),
    ...uploadQueryCases("POST /api/datasets/:id/import", asRoute(datasetImport), `/api/datasets/${id}/import`, { id }, [
      ...UPLOAD_QUERY,
      "mode",
      "columns",
      "max_rejected_rows",
    ]),
    ...(
      [
        ["POST /api/datasets/inspect", datasetInspect, "/api/datasets/inspect", {}, { format: NUL }, "format"],
        ["POST /api/datasets", datasetCreate, "/api/datasets", {}, { title: NUL }, "title"],
        [
          "POST /api/datasets (a column)",
          datasetCreate,
          "/api/datasets",
          {},
          { title: "t", columns: [{ source: 0, key: "a", label: LONE, type: "string" }] },
          "columns.0.label",
        ],
        [
          "POST /api/datasets/:id/import",
          datasetImport,
          `/api/datasets/${id}/import`,
          { id },
          { columns: [{ source: 0, key: NUL }] },
          "columns.0.key",
        ],
      ] as const
    ).map(([name, route, url, params, metadata, field]) => ({
      name: `${name} metadata ${field}`,
      route: asRoute(route),
      method: "POST",
      url,
      params,
      ...uploadBody(metadata),
      field,
    })),
    ...(
      [
        [{ title: NUL }, "title"],
        [{ description: LONE }, "description"],
        [{ columns: [{ key: "region", label: NUL }] }, "columns.0.label"],
        [{ date_column: NUL }, "date_column"],
        [{ category_column: LONE }, "category_column"],
      ] as const
    ).map(([body, field]) => ({
      name: `PATCH /api/datasets/:id ${field}`,
      route: asRoute(datasetPatch),
      method: "PATCH",
      url: `/api/datasets/${id}`,
      params: { id },
      body: JSON.stringify(body),
      field,
    })),
    ...(
      [
        ["PATCH /api/datasets/:id", datasetPatch, "PATCH"],
        ["DELETE /api/datasets/:id", datasetDelete, "DELETE"],
        ["POST /api/datasets/:id/import", datasetImport, "POST"],
      ] as const
    ).map(([name, route, method]) => ({
      name: `${name} (path)`,
      route: asRoute(route),
      method,
      url: "/api/datasets/x",
      params: { id: "1\u0000" },
      field: "id",
    })),
    ...(
      [
        ["GET /api/imports/:jobId", importStatus, "GET"],
        ["POST /api/imports/:jobId/cancel", importCancel, "POST"],
        ["GET /api/imports/:jobId/rejected", importRejected, "GET"],
      ] as const
    ).map(([name, route, method]) => ({
      name: `${name} (path)`,
      route: asRoute(route),
      method,
      url: "/api/imports/x",
      params: { jobId: `${SOME_JOB}\u0000` },
      field: "jobId",
    })),
    // Path parameters, as the router hands them over (decoded).
    {
      name: "GET /api/datasets/:id",
      route: asRoute(datasetOne),
      url: "/api/datasets/x",
      params: { id: "1\u0000" },
      field: "id",
    },
    {
      name: "GET /api/datasets/:id/records (path)",
      route: asRoute(datasetRecords),
      url: "/api/datasets/x/records",
      params: { id: "1\u0000" },
      field: "id",
    },
    {
      name: "GET /api/export/:format/:datasetId (path)",
      route: asRoute(exportGet),
      url: "/api/export/csv/x",
      params: { format: "csv", datasetId: `${id}\u0000` },
      field: "datasetId",
    },
    ...(
      [
        ["GET /api/export/status/:jobId", jobStatus, "GET"],
        ["GET /api/export/download/:jobId", download, "GET"],
        ["POST /api/export/jobs/:jobId/cancel", jobCancel, "POST"],
        ["POST /api/export/jobs/:jobId/retry", jobRetry, "POST"],
        ["DELETE /api/export/history/:jobId", historyDelete, "DELETE"],
      ] as const
    ).map(([name, route, method]) => ({
      name: `${name} (path)`,
      route: asRoute(route),
      method,
      url: "/api/export/x",
      params: { jobId: `${SOME_JOB}\u0000` },
      field: "jobId",
    })),
  ];
  for (const [label, bad] of [
    ["NUL", NUL],
    ["a lone surrogate", LONE],
    ["a lone low surrogate", "\udc00"],
  ] as const) {
    for (const { options, field } of bodyFields(bad)) {
      list.push({
        name: `POST /api/export/:format/:id ${label} in ${field}`,
        route: asRoute(exportPost),
        method: "POST",
        url: exportPath,
        params: exportParams,
        body: JSON.stringify(options),
        field,
      });
      list.push({
        name: `POST /api/export/async ${label} in options.${field}`,
        route: asRoute(exportAsync),
        method: "POST",
        url: "/api/export/async",
        params: {},
        body: JSON.stringify({ dataset_id: Number(id), format: "csv", options }),
        field: `options.${field}`,
      });
    }
    for (const [body, field] of [
      [{ dataset_id: `${id}${bad}`, format: "csv" }, "dataset_id"],
      [{ dataset_id: Number(id), format: bad }, "format"],
    ] as const) {
      list.push({
        name: `POST /api/export/async ${label} in ${field}`,
        route: asRoute(exportAsync),
        method: "POST",
        url: "/api/export/async",
        params: {},
        body: JSON.stringify(body),
        field,
      });
    }
  }
  list.push({
    name: "POST /api/export/async a body that is one string",
    route: asRoute(exportAsync),
    method: "POST",
    url: "/api/export/async",
    params: {},
    body: JSON.stringify(NUL),
    field: "(body)",
  });
  return list;
}

const MESSAGE =
  /^(its name )?(must not contain NUL characters|must be valid Unicode \(it contains an unpaired surrogate\))$/;

beforeEach(async () => {
  await resetExportRequests((await demoUser("admin")).id);
});

describe("text no field may carry, in every input of every API route", async () => {
  const all = await cases();

  it("covers every route that reads input", () => {
    const routes = new Set(all.map((c) => c.route));
    // Every handler of app/api but the dataset list and health (no input) and next-auth (its own).
    expect(routes.size).toBe(21);
    expect(all.length).toBeGreaterThan(100);
  });

  it.each(all.map((c) => [c.name, c] as const))("%s → 422 naming the field", async (_name, c) => {
    await resetExportRequests((await demoUser("admin")).id);
    const jobsBefore = await prisma().exportJob.count();
    const req = await requestAs("admin", c.url, {
      method: c.method ?? "GET",
      ...(c.body !== undefined
        ? { body: c.body, headers: { "content-type": c.contentType ?? "application/json" } }
        : {}),
    });
    const response = await c.route(req, routeContext(c.params ?? {}));
    const body = (await response.json()) as { detail: string; errors?: Array<{ field: string; message: string }> };
    expect(response.status, JSON.stringify(body)).toBe(422);
    expect(body.detail).toBe(en["error.unsafeText"]);
    expect(body.errors).toEqual(expect.arrayContaining([{ field: c.field, message: expect.stringMatching(MESSAGE) }]));
    expect(await prisma().exportJob.count()).toBe(jobsBefore);
  });
});

describe("the refusal", () => {
  it("is in Korean for a Korean reader", async () => {
    const req = await requestAs("admin", "/api/audit?target_id=%00", { headers: { cookie: "" } });
    const headers = new Headers(req.headers);
    headers.set("cookie", `${headers.get("cookie") ?? ""}; ${LOCALE_COOKIE}=ko`);
    const response = await auditList(new Request(req.url, { headers }), routeContext({}));
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      detail: ko["error.unsafeText"],
      errors: [{ field: "target_id", message: "must not contain NUL characters" }],
    });
  });

  it("of an export is audited as a denial, the unsafe text written out", async () => {
    const admin = await demoUser("admin");
    const id = await dataset();
    const before = new Date();
    const response = await exportGet(
      await requestAs("admin", `/api/export/csv/${id}?timezone=UTC%00`),
      routeContext({ format: "csv", datasetId: String(id) }),
    );
    expect(response.status).toBe(422);
    const path = await exportGet(
      await requestAs("admin", "/api/export/csv/x"),
      routeContext({ format: "csv", datasetId: `${id}\u0000` }),
    );
    expect(path.status).toBe(422);
    const { rows } = await pgPool().query<{ target_id: string; details: { reason: string } }>(
      `SELECT target_id, details FROM audit_events
        WHERE action = 'export_denied' AND actor_id = $1 AND created_at >= $2 ORDER BY id`,
      [admin.id, before],
    );
    expect(rows).toEqual([
      { target_id: String(id), details: { format: "csv", reason: "invalid" } },
      { target_id: `${id}\\u0000`, details: { format: "csv", reason: "invalid" } },
    ]);
  });

  it("leaves text that is merely unusual alone: U+FFFD, emoji, Hangul", async () => {
    const id = await dataset();
    const response = await exportPost(
      await requestAs("admin", `/api/export/csv/${id}`, {
        method: "POST",
        body: JSON.stringify({
          columns: ["region"],
          rename: { region: "지역 \uFFFD 😀" },
          filters: [{ column: "region", op: "ne", value: "😀\uFFFD" }],
        }),
      }),
      routeContext({ format: "csv", datasetId: String(id) }),
    );
    expect(response.status).toBe(200);
    expect((await response.text()).split("\r\n")[0]).toContain("지역 \uFFFD 😀");
  });
});
