// The routes of datasets from files, called as the signed-in users would call them: inspect
// (multipart and a plain body), create → 202 → the job run → the dataset, append and
// replace, rejected rows and their CSV, cancel, change and delete, and who may do what.
// The import job runs in this process (runJob), on a database of its own.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, inject, it } from "vitest";
import { POST as importRows } from "@/app/api/datasets/[id]/import/route";
import { DELETE as deleteDataset, GET as getDataset, PATCH as patchDataset } from "@/app/api/datasets/[id]/route";
import { POST as inspect } from "@/app/api/datasets/inspect/route";
import { GET as listDatasets, POST as createDataset } from "@/app/api/datasets/route";
import { POST as cancelImport } from "@/app/api/imports/[jobId]/cancel/route";
import { GET as rejectedRows } from "@/app/api/imports/[jobId]/rejected/route";
import { GET as importStatus } from "@/app/api/imports/[jobId]/route";
import { config } from "@/lib/config";
import { prisma } from "@/lib/data/prisma";
import { defineImportJob } from "@/lib/datasets/import-job";
import { stopJobQueue } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { requestAs, routeContext, type DemoWho } from "../helpers/auth";

// A database of its own: the datasets made here must not show in other files' lists.
process.env.DATABASE_URL = inject("sourcesDatabaseUrl");
const uploadDir = mkdtempSync(path.join(os.tmpdir(), "outport-uploads-"));
process.env.OUTPORT_UPLOAD_DIR = uploadDir;
const job = defineImportJob({ dir: uploadDir, dropDelayMs: 0 });

const BOUNDARY = "----outport-routes";
const SOME_JOB = "00000000-0000-4000-8000-000000000000";

type Accepted = { job_id: string; status_url: string; dataset_id: number };
type Status = {
  status: string;
  dataset_id: number | null;
  rejected_rows: number;
  rejected_url: string | null;
} & Record<string, unknown>;

function multipart(file: string, fileName: string, metadata?: unknown): { body: string; type: string } {
  let body = "";
  if (metadata !== undefined) {
    body += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(metadata)}\r\n`;
  }
  body += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n${file}\r\n--${BOUNDARY}--\r\n`;
  return { body, type: `multipart/form-data; boundary=${BOUNDARY}` };
}

async function upload(
  who: DemoWho | null,
  url: string,
  route: (req: Request, context: { params: Promise<never> }) => Promise<Response>,
  { body, type }: { body: string; type: string },
  params: Record<string, string> = {},
): Promise<Response> {
  const req = await requestAs(who, url, { method: "POST", body, headers: { "content-type": type } });
  return route(req, routeContext(params as never));
}

const ndjson = (rows: Array<Record<string, unknown>>) => rows.map((row) => JSON.stringify(row)).join("\n") + "\n";
const ROWS = [
  { name: "Kim", amount: 12.5, day: "2025-01-02" },
  { name: "Lee", amount: 3, day: "2025-01-03" },
  { name: "박", amount: -1, day: "2025-01-04" },
];

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

async function statusOf(who: DemoWho, jobId: string): Promise<Response> {
  return importStatus(await requestAs(who, `/api/imports/${jobId}`), routeContext({ jobId }));
}

async function created(
  who: DemoWho,
  title: string,
  rows: Array<Record<string, unknown>> = ROWS,
  extra: Record<string, unknown> = {},
): Promise<Accepted> {
  const response = await upload(
    who,
    "/api/datasets",
    createDataset,
    multipart(ndjson(rows), "rows.ndjson", { title, ...extra }),
  );
  if (response.status !== 202) throw new Error(`expected 202, got ${response.status}: ${await response.text()}`);
  return json<Accepted>(response);
}

async function datasetAs(who: DemoWho, id: number): Promise<Response> {
  return getDataset(await requestAs(who, `/api/datasets/${id}`), routeContext({ id: String(id) }));
}

/** Uploads (and partial ones) still in the folder; the rejected rows' CSVs live there too. */
const uploadsLeft = () => readdirSync(uploadDir).filter((name) => /\.(upload|part)$/.test(name));

beforeEach(async () => {
  // No import left waiting from an earlier test counts against a user's limit.
  await prisma().$executeRawUnsafe(
    `UPDATE import_jobs SET status = 'cancelled' WHERE status IN ('pending', 'processing')`,
  );
});

afterAll(async () => {
  await stopJobQueue({ graceful: false });
  rmSync(uploadDir, { recursive: true, force: true });
});

describe("POST /api/datasets/inspect", () => {
  it("inspects an NDJSON upload: columns, sample rows, warnings as text; nothing kept", async () => {
    const response = await upload("manager", "/api/datasets/inspect", inspect, multipart(ndjson(ROWS), "rows.ndjson"));
    expect(response.status).toBe(200);
    const body = await json<Record<string, unknown>>(response);
    expect(Object.keys(body).sort()).toEqual(
      [
        "columns",
        "delimiter",
        "detected",
        "encoding",
        "format",
        "header",
        "sample_rows",
        "sheet",
        "sheets",
        "warnings",
      ].sort(),
    );
    expect(body).toMatchObject({ format: "ndjson", sheet: null, sheets: [] });
    const columns = body.columns as Array<{ source: number; key: string; type: string }>;
    expect(columns.map((c) => c.key)).toEqual(["name", "amount", "day"]);
    expect(columns.map((c) => c.source)).toEqual([0, 1, 2]);
    expect(body.sample_rows).toHaveLength(3);
    expect(Array.isArray(body.warnings)).toBe(true);
    for (const warning of body.warnings as Array<{ code: string; message: string }>) {
      expect(warning.message).not.toBe(warning.code);
    }
    expect(uploadsLeft()).toEqual([]);
  });

  it("inspects a CSV sent as the body, with settings in the query string", async () => {
    const csv = "region,units,active\nNorth,3,true\nSouth,5,false\n";
    const response = await upload(
      "admin",
      "/api/datasets/inspect?file_name=sales.csv&header=true&delimiter=%2C",
      inspect,
      { body: csv, type: "text/csv" },
    );
    expect(response.status).toBe(200);
    const body = await json<{
      format: string;
      delimiter: string;
      header: boolean;
      columns: Array<{ key: string; type: string }>;
    }>(response);
    expect(body).toMatchObject({ format: "csv", delimiter: ",", header: true });
    expect(body.columns.map((c) => [c.key, c.type])).toEqual([
      ["region", "string"],
      ["units", "integer"],
      ["active", "boolean"],
    ]);
    expect(uploadsLeft()).toEqual([]);
  });

  it("answers a file it cannot read with 422 naming the field, bad settings with 422, too large with 413", async () => {
    const unreadable = await upload(
      "manager",
      "/api/datasets/inspect",
      inspect,
      multipart("name,amount\nKim,1\n", "x.parquet", { format: "parquet" }),
    );
    expect(unreadable.status).toBe(422);
    const problem = await json<{ detail: string; errors: Array<{ field: string; message: string }> }>(unreadable);
    expect(problem.detail).not.toMatch(/^import\./);
    expect(problem.errors[0]?.field).toBeTruthy();

    const badSetting = await upload(
      "manager",
      "/api/datasets/inspect",
      inspect,
      multipart(ndjson(ROWS), "r.ndjson", { format: "docx" }),
    );
    expect(badSetting.status).toBe(422);
    expect((await json<{ errors: Array<{ field: string }> }>(badSetting)).errors[0]?.field).toBe("format");
    const badQuery = await upload("manager", "/api/datasets/inspect?header=maybe", inspect, {
      body: "a\n1\n",
      type: "text/csv",
    });
    expect(badQuery.status).toBe(422);
    const notJson = await upload("manager", "/api/datasets/inspect", inspect, {
      body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{oops\r\n--${BOUNDARY}--\r\n`,
      type: `multipart/form-data; boundary=${BOUNDARY}`,
    });
    expect(notJson.status).toBe(422);

    const saved = config.imports.maxFileBytes;
    config.imports.maxFileBytes = 100;
    try {
      const large = await upload("manager", "/api/datasets/inspect", inspect, multipart("x".repeat(500), "big.csv"));
      expect(large.status).toBe(413);
      expect((await json<{ detail: string }>(large)).detail).toMatch(/at most .* MB/);
    } finally {
      config.imports.maxFileBytes = saved;
    }
    expect(uploadsLeft()).toEqual([]);
  });

  it("is for those who may create datasets: anonymous 401, viewer 403, other sites 403", async () => {
    expect((await upload(null, "/api/datasets/inspect", inspect, multipart(ndjson(ROWS), "r.ndjson"))).status).toBe(
      401,
    );
    expect((await upload("viewer", "/api/datasets/inspect", inspect, multipart(ndjson(ROWS), "r.ndjson"))).status).toBe(
      403,
    );
    const { body, type } = multipart(ndjson(ROWS), "r.ndjson");
    const req = await requestAs("manager", "/api/datasets/inspect", {
      method: "POST",
      body,
      headers: { "content-type": type, origin: "https://evil.example" },
    });
    expect((await inspect(req, routeContext({}))).status).toBe(403);
    expect(uploadsLeft()).toEqual([]);
  });
});

describe("creating a dataset from a file", () => {
  it("answers 202 with the job, which commits the dataset; it appears only then", async () => {
    const title = "Routes: created from NDJSON";
    const response = await upload(
      "manager",
      "/api/datasets",
      createDataset,
      multipart(ndjson(ROWS), "rows.ndjson", { title }),
    );
    expect(response.status).toBe(202);
    const accepted = await json<Accepted>(response);
    expect(accepted.status_url).toBe(`/api/imports/${accepted.job_id}`);
    expect(response.headers.get("location")).toBe(accepted.status_url);
    expect((await json<Status>(await statusOf("manager", accepted.job_id))).status).toBe("pending");
    expect((await datasetAs("manager", accepted.dataset_id)).status).toBe(404);
    const listed = async () =>
      (
        await json<Array<{ title: string }>>(
          await listDatasets(await requestAs("admin", "/api/datasets"), routeContext({})),
        )
      ).map((d) => d.title);
    expect(await listed()).not.toContain(title);

    expect(await runJob(job, accepted.job_id)).toBe("completed");
    const done = await json<Status>(await statusOf("manager", accepted.job_id));
    expect(done).toMatchObject({
      status: "completed",
      dataset_id: accepted.dataset_id,
      rejected_rows: 0,
      rejected_url: null,
    });
    expect(done.dataset_url).toBe(`/datasets/${accepted.dataset_id}`);
    const dataset = await json<{
      title: string;
      record_count: number;
      date_column: string | null;
      columns: Array<{ key: string }>;
    }>(await datasetAs("viewer", accepted.dataset_id));
    expect(dataset).toMatchObject({ title, record_count: 3 });
    expect(dataset.columns.map((c) => c.key)).toEqual(["name", "amount", "day"]);
    expect(await listed()).toContain(title);
    expect(uploadsLeft()).toEqual([]);
  });

  it("takes a plain body with its settings in the query string", async () => {
    const csv = "city,people\nSeoul,9\nBusan,3\n";
    const response = await upload(
      "admin",
      "/api/datasets?title=Routes%3A%20plain%20CSV&file_name=cities.csv",
      createDataset,
      {
        body: csv,
        type: "text/csv",
      },
    );
    expect(response.status).toBe(202);
    const accepted = await json<Accepted>(response);
    expect(await runJob(job, accepted.job_id)).toBe("completed");
    expect(await json<Status>(await statusOf("admin", accepted.job_id))).toMatchObject({
      file_name: "cities.csv",
      file_size: csv.length,
    });
    expect((await json<{ record_count: number }>(await datasetAs("admin", accepted.dataset_id))).record_count).toBe(2);
  });

  it("lists rejected rows and serves their CSV; refuses bad metadata with 422 and keeps no file", async () => {
    const rows = [...ROWS, { name: "Bad", amount: "lots", day: "2025-01-05" }];
    const columns = [
      { source: 0, key: "name", label: "Name", type: "string" },
      { source: 1, key: "amount", label: "Amount", type: "number" },
      { source: 2, key: "day", label: "Day", type: "date" },
    ];
    const accepted = await created("manager", "Routes: with a rejected row", rows, { columns, max_rejected_rows: 5 });
    expect(await runJob(job, accepted.job_id)).toBe("completed");
    const done = await json<Status>(await statusOf("manager", accepted.job_id));
    expect(done).toMatchObject({ status: "completed", rejected_rows: 1 });
    expect(done.rejected_url).toBe(`/api/imports/${accepted.job_id}/rejected`);
    const csv = await rejectedRows(
      await requestAs("manager", done.rejected_url ?? ""),
      routeContext({ jobId: accepted.job_id }),
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename="rows-rejected-rows\.csv"/);
    expect(await csv.text()).toMatch(/4.*lots/);
    const other = await rejectedRows(
      await requestAs("manager2", done.rejected_url ?? ""),
      routeContext({ jobId: accepted.job_id }),
    );
    expect(other.status).toBe(404);

    const noTitle = await upload("manager", "/api/datasets", createDataset, multipart(ndjson(ROWS), "r.ndjson", {}));
    expect(noTitle.status).toBe(422);
    expect((await json<{ errors: Array<{ field: string }> }>(noTitle)).errors.map((e) => e.field)).toContain("title");
    const badDate = await upload(
      "manager",
      "/api/datasets",
      createDataset,
      multipart(ndjson(ROWS), "r.ndjson", { title: "x", columns, date_column: "name" }),
    );
    expect(badDate.status).toBe(422);
    expect(uploadsLeft()).toEqual([]);
  });

  it("is refused to a viewer (403) and to nobody (401)", async () => {
    expect(
      (await upload("viewer", "/api/datasets", createDataset, multipart(ndjson(ROWS), "r.ndjson", { title: "v" })))
        .status,
    ).toBe(403);
    expect(
      (await upload(null, "/api/datasets", createDataset, multipart(ndjson(ROWS), "r.ndjson", { title: "v" }))).status,
    ).toBe(401);
    expect(uploadsLeft()).toEqual([]);
  });

  it("cancels a waiting import: no dataset, no file", async () => {
    const accepted = await created("manager", "Routes: cancelled");
    const other = await cancelImport(
      await requestAs("manager2", `/api/imports/${accepted.job_id}/cancel`, { method: "POST" }),
      routeContext({ jobId: accepted.job_id }),
    );
    expect(other.status).toBe(404);
    const response = await cancelImport(
      await requestAs("manager", `/api/imports/${accepted.job_id}/cancel`, { method: "POST" }),
      routeContext({ jobId: accepted.job_id }),
    );
    expect(response.status).toBe(200);
    expect((await json<Status>(response)).status).toBe("cancelled");
    expect((await datasetAs("admin", accepted.dataset_id)).status).toBe(404);
    expect(uploadsLeft()).toEqual([]);
  });
});

describe("managing a dataset made from a file", () => {
  async function importInto(who: DemoWho, id: number, mode: string, rows = ROWS): Promise<Response> {
    return upload(
      who,
      `/api/datasets/${id}/import?mode=${mode}`,
      importRows,
      multipart(ndjson(rows), "more.ndjson", {}),
      {
        id: String(id),
      },
    );
  }

  async function patch(who: DemoWho, id: number, body: unknown): Promise<Response> {
    const req = await requestAs(who, `/api/datasets/${id}`, {
      method: "PATCH",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    return patchDataset(req, routeContext({ id: String(id) }));
  }

  async function remove(who: DemoWho, id: number): Promise<Response> {
    return deleteDataset(
      await requestAs(who, `/api/datasets/${id}`, { method: "DELETE" }),
      routeContext({ id: String(id) }),
    );
  }

  it("appends and replaces for the owner and admins; others 403, viewers 403, unknown 404", async () => {
    const accepted = await created("manager", "Routes: managed");
    expect(await runJob(job, accepted.job_id)).toBe("completed");
    const id = accepted.dataset_id;

    expect((await importInto("manager2", id, "append")).status).toBe(403);
    expect((await importInto("viewer", id, "append")).status).toBe(403);
    expect((await importInto("manager", 987654, "append")).status).toBe(404);
    expect((await importInto("manager", id, "sideways")).status).toBe(422);

    const appended = await importInto("manager", id, "append");
    expect(appended.status).toBe(202);
    const appendJob = await json<Accepted>(appended);
    expect(appendJob.dataset_id).toBe(id);
    expect(await runJob(job, appendJob.job_id)).toBe("completed");
    expect((await json<{ record_count: number }>(await datasetAs("manager", id))).record_count).toBe(6);
    // Someone else's import is not found; an admin sees it.
    expect((await statusOf("manager2", appendJob.job_id)).status).toBe(404);
    expect((await statusOf("admin", appendJob.job_id)).status).toBe(200);
    expect((await statusOf("manager", SOME_JOB)).status).toBe(404);

    const replaced = await importInto("admin", id, "replace", ROWS.slice(0, 1));
    expect(replaced.status).toBe(202);
    expect(await runJob(job, (await json<Accepted>(replaced)).job_id)).toBe("completed");
    expect((await json<{ record_count: number }>(await datasetAs("manager", id))).record_count).toBe(1);
    expect(uploadsLeft()).toEqual([]);
  });

  it("changes and deletes for the owner and admins only", async () => {
    const accepted = await created("manager", "Routes: to change");
    expect(await runJob(job, accepted.job_id)).toBe("completed");
    const id = accepted.dataset_id;

    expect((await patch("manager2", id, { title: "Taken" })).status).toBe(403);
    expect((await patch("viewer", id, { title: "Taken" })).status).toBe(403);
    expect((await patch("manager", id, {})).status).toBe(422);
    expect((await patch("manager", id, { columns: [{ key: "nope", label: "x" }] })).status).toBe(422);
    const changed = await patch("manager", id, {
      title: "Routes: changed",
      columns: [{ key: "amount", label: "Sum" }],
    });
    expect(changed.status).toBe(200);
    const body = await json<{ title: string; columns: Array<{ key: string; label: string }> }>(changed);
    expect(body.title).toBe("Routes: changed");
    expect(body.columns.find((c) => c.key === "amount")?.label).toBe("Sum");

    expect((await remove("manager2", id)).status).toBe(403);
    expect((await remove("viewer", id)).status).toBe(403);
    const deleted = await remove("admin", id);
    expect(deleted.status).toBe(200);
    expect(await json<unknown>(deleted)).toEqual({ deleted: true, exports: 0 });
    expect((await datasetAs("admin", id)).status).toBe(404);
    expect((await remove("admin", id)).status).toBe(404);
  });
});
