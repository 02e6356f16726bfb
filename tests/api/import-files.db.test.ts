// Files of every format and encoding the importer reads, through the routes as a manager
// sends them: inspect, then create (multipart) → the job, run in this process → the
// dataset's rows, checked against the table the file was made from; then exported back as
// CSV and JSON through the export route and read back to the same values. Then every kind
// of bad file: its 4xx with the field named (never a 500), or a failed job, and in every
// case no dataset, no rows table and no upload file left behind.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, inject, it } from "vitest";
import { GET as exportGet } from "@/app/api/export/[format]/[datasetId]/route";
import { POST as inspect } from "@/app/api/datasets/inspect/route";
import { POST as createDataset } from "@/app/api/datasets/route";
import { GET as importStatus } from "@/app/api/imports/[jobId]/route";
import { config } from "@/lib/config";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { defineImportJob } from "@/lib/datasets/import-job";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import { stopJobQueue } from "@/lib/jobs/queue";
import { runJob } from "@/lib/jobs/run-job";
import { demoUser, requestAs, routeContext } from "../helpers/auth";
import { parseCsv } from "../helpers/csv-parse";
import { storedRows } from "../helpers/dataset-rows";
import {
  COLUMN_KEYS,
  TRUTH_TYPES,
  delimitedText,
  encoded,
  entityWorkbook,
  jsonRecords,
  multipartBody,
  parquetBytes,
  truthRows,
  workbookBytes,
  zipBomb,
  type TruthRow,
} from "../helpers/import-fixtures";

// A database of its own: the datasets made here must not show in other files' lists.
process.env.DATABASE_URL = inject("sourcesDatabaseUrl");
const uploadDir = mkdtempSync(path.join(os.tmpdir(), "outport-import-files-"));
process.env.OUTPORT_UPLOAD_DIR = uploadDir;
const exportDir = mkdtempSync(path.join(os.tmpdir(), "outport-import-files-exports-"));
process.env.OUTPORT_EXPORT_DIR = exportDir;
const job = defineImportJob({ dir: uploadDir, dropDelayMs: 0 });
const RUN = { heartbeatMs: 50, retryDelaySeconds: 0, maxAttempts: 1 } as const;

type Problem = { status: number; detail: string; errors?: Array<{ field: string; message: string }> };
type Inspection = {
  format: string;
  encoding: string | null;
  delimiter: string | null;
  sheet: string | null;
  sheets: string[];
  header: boolean;
  columns: Array<{ source: number; key: string; type: string }>;
  sample_rows: unknown[][];
};
type Accepted = { job_id: string; dataset_id: number };
type Status = {
  status: string;
  rejected_rows: number;
  rejected: Array<{ line: number; reason: string }>;
  error_message: string | null;
};

async function post(
  route: (req: Request, context: { params: Promise<never> }) => Promise<Response>,
  url: string,
  { body, type }: { body: Uint8Array<ArrayBuffer>; type: string },
): Promise<Response> {
  const req = await requestAs("manager", url, { method: "POST", body, headers: { "content-type": type } });
  return route(req, routeContext({} as never));
}

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** Uploads (and partial ones) still in the folder. */
const uploadsLeft = () => readdirSync(uploadDir).filter((name) => /\.(upload|part)$/.test(name));

async function statusOf(jobId: string): Promise<Status> {
  return json<Status>(await importStatus(await requestAs("manager", `/api/imports/${jobId}`), routeContext({ jobId })));
}

async function datasetsTitled(title: string): Promise<number> {
  const { rows } = await pgPool().query<{ n: number }>(`SELECT count(*)::int AS n FROM datasets WHERE title = $1`, [
    title,
  ]);
  return rows[0]!.n;
}

async function rowsTablesOf(datasetId: number): Promise<number> {
  const { rows } = await pgPool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'dataset_rows' AND (c.relname = $1 OR c.relname LIKE $1 || '\\_%')`,
    [`d${datasetId}`],
  );
  return rows[0]!.n;
}

async function rowsTableCount(): Promise<number> {
  const { rows } = await pgPool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'dataset_rows' AND c.relkind = 'r'`,
  );
  return rows[0]!.n;
}

/** An export of the dataset through the export route, as its owner downloads it. */
async function exported(datasetId: number, format: "csv" | "json", query = ""): Promise<string> {
  await resetExportRequests((await demoUser("manager")).id);
  const url = `/api/export/${format}/${datasetId}${query}`;
  const response = await exportGet(
    await requestAs("manager", url),
    routeContext({ format, datasetId: String(datasetId) }),
  );
  expect(response.status, await response.clone().text()).toBe(200);
  return Buffer.from(await response.arrayBuffer()).toString("utf8");
}

beforeEach(async () => {
  // No import left waiting from an earlier test counts against the manager's limit.
  await prisma().$executeRawUnsafe(
    `UPDATE import_jobs SET status = 'cancelled' WHERE status IN ('pending', 'processing')`,
  );
});

afterAll(async () => {
  await stopJobQueue({ graceful: false });
  rmSync(uploadDir, { recursive: true, force: true });
  rmSync(exportDir, { recursive: true, force: true });
});

type Keys = ReadonlyArray<(typeof COLUMN_KEYS)[number] | "total">;

type RoundTrip = {
  name: string;
  fileName: string;
  bytes: Uint8Array;
  /** Settings sent to inspect and create (a sheet, an encoding). */
  settings?: Record<string, unknown>;
  detected: Partial<Pick<Inspection, "format" | "encoding" | "delimiter" | "sheet">> & { sheets?: string[] };
  rows: TruthRow[];
  keys: Keys;
};

/** What the dataset should hold: the truth rows, with `total` (XLSX's formula) = qty * 2. */
function expectedRows(rows: TruthRow[], keys: Keys): Array<Record<string, unknown>> {
  return rows.map((row) =>
    Object.fromEntries(keys.map((key) => [key, key === "total" ? (row.qty === null ? null : row.qty * 2) : row[key]])),
  );
}

/**
 * A cell of the exported CSV read back as the value of its column's type: numbers, the
 * words true/false, date-times written `YYYY-MM-DD HH:MM:SS` in UTC, JSON text.
 */
function csvValue(type: string, cell: string): unknown {
  if (cell === "") return null;
  switch (type) {
    case "integer":
    case "number":
      return Number(cell);
    case "boolean":
      if (cell !== "true" && cell !== "false") throw new Error(`not a boolean: ${cell}`);
      return cell === "true";
    case "datetime":
      if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(cell)) throw new Error(`not a date-time: ${cell}`);
      return `${cell.replace(" ", "T")}Z`;
    case "json":
      return JSON.parse(cell) as unknown;
    default:
      return cell;
  }
}

const TYPES: Record<string, string> = { ...TRUTH_TYPES, total: "integer" };

const UTF8_NAMES: [string, string, string] = ["Kim 김치", 'Lee, "quoted"', "€ café 😀"];
const KOREAN_NAMES: [string, string, string] = ["김치찌개", "서울, 특별시", "한글 이름"];
const WESTERN_NAMES: [string, string, string] = ["Preis 5 €", "café, crème", "Œuvre – naïve"];
const ALL: Keys = COLUMN_KEYS;
const csvOf = (names: [string, string, string], delimiter = ",") => delimitedText(truthRows(names), delimiter);

const ROUND_TRIPS: RoundTrip[] = [
  {
    name: "CSV, UTF-8 without a BOM",
    fileName: "plain.csv",
    bytes: encoded(csvOf(UTF8_NAMES), "utf-8"),
    detected: { format: "csv", encoding: "utf-8", delimiter: "," },
    rows: truthRows(UTF8_NAMES),
    keys: ALL,
  },
  {
    name: "CSV, UTF-8 with a BOM",
    fileName: "bom.csv",
    bytes: encoded(csvOf(UTF8_NAMES), "utf-8", true),
    detected: { format: "csv", encoding: "utf-8", delimiter: "," },
    rows: truthRows(UTF8_NAMES),
    keys: ALL,
  },
  {
    name: "CSV, UTF-16LE with a BOM",
    fileName: "le.csv",
    bytes: encoded(csvOf(UTF8_NAMES), "utf-16le", true),
    detected: { format: "csv", encoding: "utf-16le", delimiter: "," },
    rows: truthRows(UTF8_NAMES),
    keys: ALL,
  },
  {
    name: "CSV, UTF-16BE with a BOM",
    fileName: "be.csv",
    bytes: encoded(csvOf(UTF8_NAMES), "utf-16be", true),
    detected: { format: "csv", encoding: "utf-16be", delimiter: "," },
    rows: truthRows(UTF8_NAMES),
    keys: ALL,
  },
  {
    name: "CSV, CP949 Korean",
    fileName: "korean.csv",
    bytes: encoded(csvOf(KOREAN_NAMES), "cp949"),
    detected: { format: "csv", encoding: "cp949", delimiter: "," },
    rows: truthRows(KOREAN_NAMES),
    keys: ALL,
  },
  {
    name: "CSV, Windows-1252 with €",
    fileName: "western.csv",
    bytes: encoded(csvOf(WESTERN_NAMES), "windows-1252"),
    detected: { format: "csv", encoding: "windows-1252", delimiter: "," },
    rows: truthRows(WESTERN_NAMES),
    keys: ALL,
  },
  {
    name: "TSV",
    fileName: "tabs.tsv",
    bytes: encoded(csvOf(UTF8_NAMES, "\t"), "utf-8"),
    detected: { format: "csv", encoding: "utf-8", delimiter: "\t" },
    rows: truthRows(UTF8_NAMES),
    keys: ALL,
  },
  {
    name: "CSV with ; between fields",
    fileName: "semicolons.csv",
    bytes: encoded(csvOf(UTF8_NAMES, ";"), "utf-8"),
    detected: { format: "csv", encoding: "utf-8", delimiter: ";" },
    rows: truthRows(UTF8_NAMES),
    keys: ALL,
  },
  {
    name: "CSV with | between fields",
    fileName: "pipes.csv",
    bytes: encoded(csvOf(UTF8_NAMES, "|"), "utf-8"),
    detected: { format: "csv", encoding: "utf-8", delimiter: "|" },
    rows: truthRows(UTF8_NAMES),
    keys: ALL,
  },
  {
    name: "JSON array",
    fileName: "rows.json",
    bytes: encoded(JSON.stringify(jsonRecords(truthRows(UTF8_NAMES)), null, 2), "utf-8"),
    detected: { format: "json", encoding: "utf-8", delimiter: null },
    rows: truthRows(UTF8_NAMES),
    keys: ALL,
  },
  {
    name: "NDJSON",
    fileName: "rows.ndjson",
    bytes: encoded(
      jsonRecords(truthRows(UTF8_NAMES))
        .map((r) => JSON.stringify(r))
        .join("\n") + "\n",
      "utf-8",
    ),
    detected: { format: "ndjson", encoding: "utf-8", delimiter: null },
    rows: truthRows(UTF8_NAMES),
    keys: ALL,
  },
];

describe("each format and encoding imports to the right types and values, and exports back equal", () => {
  async function roundTrip(trip: RoundTrip): Promise<void> {
    const inspected = await post(
      inspect,
      "/api/datasets/inspect",
      multipartBody(trip.bytes, trip.fileName, trip.settings ?? {}),
    );
    expect(inspected.status, await inspected.clone().text()).toBe(200);
    const inspection = await json<Inspection>(inspected);
    expect(inspection).toMatchObject({ ...trip.detected, header: true });
    expect(inspection.columns.map((c) => [c.key, c.type])).toEqual(trip.keys.map((key) => [key, TYPES[key]]));

    const title = `Import files: ${trip.name}`;
    const response = await post(
      createDataset,
      "/api/datasets",
      multipartBody(trip.bytes, trip.fileName, { title, ...trip.settings }),
    );
    expect(response.status, await response.clone().text()).toBe(202);
    const accepted = await json<Accepted>(response);
    expect(await runJob(job, accepted.job_id, RUN)).toBe("completed");
    expect(await statusOf(accepted.job_id)).toMatchObject({ status: "completed", rejected_rows: 0 });
    const expected = expectedRows(trip.rows, trip.keys);
    expect(await storedRows(accepted.dataset_id)).toEqual(expected);
    expect(uploadsLeft()).toEqual([]);

    const csv = parseCsv((await exported(accepted.dataset_id, "csv", "?bom=false")).replace(/^\uFEFF/, ""));
    expect(csv[0]).toEqual([...trip.keys]);
    const read = csv
      .slice(1)
      .map((cells) => Object.fromEntries(trip.keys.map((key, i) => [key, csvValue(TYPES[key]!, cells[i]!)])));
    expect(read).toEqual(expected);

    const back = JSON.parse(await exported(accepted.dataset_id, "json")) as unknown;
    expect(back).toEqual(expected);
  }

  for (const trip of ROUND_TRIPS) {
    it(trip.name, () => roundTrip(trip));
  }

  it("XLSX: numbers, dates, booleans, a formula's cached value, from the second sheet", async () => {
    const keys: Keys = ["name", "code", "qty", "price", "day", "at", "ok", "note", "total"];
    await roundTrip({
      name: "XLSX",
      fileName: "book.xlsx",
      bytes: await workbookBytes(truthRows(UTF8_NAMES)),
      settings: { sheet: "Data" },
      detected: { format: "xlsx", encoding: null, delimiter: null, sheet: "Data", sheets: ["Notes", "Data"] },
      rows: truthRows(UTF8_NAMES),
      keys,
    });
  });

  it("Parquet written by hyparquet-writer", async () => {
    await roundTrip({
      name: "Parquet",
      fileName: "rows.parquet",
      bytes: parquetBytes(truthRows(UTF8_NAMES)),
      detected: { format: "parquet", encoding: null, delimiter: null },
      rows: truthRows(UTF8_NAMES),
      keys: ["name", "code", "qty", "price", "day", "at", "ok"],
    });
  });
});

describe("type inference, end to end", () => {
  it("keeps leading zeros as text, reads decimals, yes/no, ISO dates and date-times, JSON; mixed is text", async () => {
    const csv = [
      "zip,amount,flag,day,at,doc,mixed",
      '00501,1.50,Yes,2024-02-29,2025-01-02T03:04:05+09:00,"{""k"":[1,{""n"":null}]}",12',
      '01234,-0.125,NO,1999-12-31,2025-06-30 12:00,"[""a""]",2025-01-02',
      "98765,7,yes,2000-01-01,2025-06-30T12:00:00.5Z,{},true",
      "",
    ].join("\n");
    const bytes = encoded(csv, "utf-8");
    const inspected = await json<Inspection>(
      await post(inspect, "/api/datasets/inspect", multipartBody(bytes, "types.csv")),
    );
    expect(inspected.columns.map((c) => [c.key, c.type])).toEqual([
      ["zip", "string"],
      ["amount", "number"],
      ["flag", "boolean"],
      ["day", "date"],
      ["at", "datetime"],
      ["doc", "json"],
      ["mixed", "string"],
    ]);
    const response = await post(
      createDataset,
      "/api/datasets",
      multipartBody(bytes, "types.csv", { title: "Import files: inference" }),
    );
    expect(response.status).toBe(202);
    const accepted = await json<Accepted>(response);
    expect(await runJob(job, accepted.job_id, RUN)).toBe("completed");
    expect(await storedRows(accepted.dataset_id)).toEqual([
      {
        zip: "00501",
        amount: 1.5,
        flag: true,
        day: "2024-02-29",
        at: "2025-01-01T18:04:05Z",
        doc: { k: [1, { n: null }] },
        mixed: "12",
      },
      {
        zip: "01234",
        amount: -0.125,
        flag: false,
        day: "1999-12-31",
        at: "2025-06-30T12:00:00Z",
        doc: ["a"],
        mixed: "2025-01-02",
      },
      { zip: "98765", amount: 7, flag: true, day: "2000-01-01", at: "2025-06-30T12:00:00.5Z", doc: {}, mixed: "true" },
    ]);
    const dataset = await prisma().dataset.findUniqueOrThrow({ where: { id: accepted.dataset_id } });
    expect(dataset.dateColumn).toBe("day");
  });
});

describe("bad files: a 4xx naming the field, never a 500, and nothing left behind", () => {
  type Refusal = { status: number; field: string; detail: RegExp };

  /** The file through inspect and create: both refuse it the same way, and leave nothing. */
  async function refused(
    bytes: Uint8Array | string,
    fileName: string,
    expected: Refusal,
    settings: Record<string, unknown> = {},
  ): Promise<void> {
    const tables = await rowsTableCount();
    const title = `Import files: refused ${fileName}`;
    for (const [route, url, metadata] of [
      [inspect, "/api/datasets/inspect", settings],
      [createDataset, "/api/datasets", { title, ...settings }],
    ] as const) {
      const response = await post(route, url, multipartBody(bytes, fileName, metadata));
      const problem = await json<Problem>(response);
      expect([response.status, problem.detail]).toEqual([expected.status, expect.stringMatching(expected.detail)]);
      expect(problem.errors?.map((e) => e.field)).toContain(expected.field);
    }
    expect(await datasetsTitled(title)).toBe(0);
    expect(await rowsTableCount()).toBe(tables);
    expect(uploadsLeft()).toEqual([]);
  }

  /** Runs `fn` with some import limits lowered. */
  async function withLimits<T>(limits: Partial<typeof config.imports>, fn: () => Promise<T>): Promise<T> {
    const saved = { ...config.imports };
    Object.assign(config.imports, limits);
    try {
      return await fn();
    } finally {
      Object.assign(config.imports, saved);
    }
  }

  it("a CSV with a header only", async () => {
    await refused("name,amount\n", "header.csv", { status: 422, field: "file", detail: /only a header/ });
  });

  it("an empty file", async () => {
    await refused("", "empty.csv", { status: 422, field: "file", detail: /empty/ });
  });

  it("a binary file named .csv", async () => {
    const binary = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    await refused(binary, "photo.csv", { status: 422, field: "file", detail: /binary/ });
  });

  it("a truncated XLSX", async () => {
    const bytes = await workbookBytes(truthRows(UTF8_NAMES));
    await refused(bytes.subarray(0, Math.floor(bytes.length / 2)), "cut.xlsx", {
      status: 422,
      field: "file",
      detail: /damaged or incomplete/,
    });
  });

  it("invalid UTF-8 in a file declared UTF-8", async () => {
    const bytes = Buffer.concat([
      Buffer.from("name,amount\nKim,1\n"),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from(",2\n"),
    ]);
    await refused(
      new Uint8Array(bytes),
      "bad.csv",
      { status: 422, field: "encoding", detail: /Line 3 is not valid UTF-8/ },
      { encoding: "utf-8" },
    );
  });

  it("duplicate header names, detected as a header over typed data", async () => {
    await refused("name,amount,name\nKim,1,Lee\n", "dupes.csv", {
      status: 422,
      field: "header",
      detail: /name.*#1, #3/,
    });
  });

  it("empty header names, detected as a header (a spreadsheet's unnamed index column)", async () => {
    await refused(",name,amount\n0,Kim,1\n1,Lee,2\n", "blank.csv", { status: 422, field: "header", detail: /#1/ });
  });

  it("empty header names when the file is said to have a header", async () => {
    await refused(
      "name,,amount\nKim,x,1\n",
      "blank.csv",
      { status: 422, field: "header", detail: /#2/ },
      { header: true },
    );
  });

  it("10,000 columns", async () => {
    const header = Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(",");
    const row = Array.from({ length: 10_000 }, (_, i) => String(i)).join(",");
    await refused(`${header}\n${row}\n`, "wide.csv", { status: 422, field: "file", detail: /1,?000/ });
  });

  it("an XLSX zip bomb: uncompressed past the configured limit", async () => {
    const bomb = await zipBomb(8 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(64 * 1024);
    await withLimits({ maxUncompressedBytes: 1024 * 1024 }, () =>
      refused(bomb, "bomb.xlsx", { status: 422, field: "file", detail: /inflates past 1048576 bytes/ }),
    );
  });

  it("an XLSX with an XML entity declaration", async () => {
    await refused(await entityWorkbook(), "entities.xlsx", {
      status: 422,
      field: "file",
      detail: /declares XML entities/,
    });
  });

  it("a file over the size limit: 413", async () => {
    await withLimits({ maxFileBytes: 1000 }, () =>
      refused(delimitedText(truthRows(UTF8_NAMES)).repeat(20), "big.csv", {
        status: 413,
        field: "file",
        detail: /too large/,
      }),
    );
  });

  /** A create the route accepts (the file's start is fine) whose job fails: no dataset, table or file after. */
  async function failedJob(bytes: Uint8Array | string, fileName: string, settings: Record<string, unknown> = {}) {
    const title = `Import files: failed ${fileName}`;
    const response = await post(createDataset, "/api/datasets", multipartBody(bytes, fileName, { title, ...settings }));
    expect(response.status, await response.clone().text()).toBe(202);
    const accepted = await json<Accepted>(response);
    expect(await runJob(job, accepted.job_id, RUN)).toBe("failed");
    const status = await statusOf(accepted.job_id);
    expect(status.status).toBe("failed");
    expect(await datasetsTitled(title)).toBe(0);
    expect(await prisma().dataset.findUnique({ where: { id: accepted.dataset_id } })).toBeNull();
    expect(await rowsTablesOf(accepted.dataset_id)).toBe(0);
    expect(uploadsLeft()).toEqual([]);
    return status;
  }

  it("invalid UTF-8 past what inspect reads: the job fails naming the line", async () => {
    let text = "name,amount\n";
    for (let i = 1; i <= 30_000; i++) text += `row ${i},${i}\n`;
    const bytes = Buffer.concat([Buffer.from(text), Buffer.from([0xff, 0xfe, 0x2c, 0x31, 0x0a])]);
    const status = await failedJob(new Uint8Array(bytes), "late.csv", { encoding: "utf-8" });
    expect(status.error_message).toMatch(/^Line 30002 is not valid UTF-8/);
  });

  it("more rows than the row limit: the job fails naming the limit", async () => {
    let text = "name,amount\n";
    for (let i = 1; i <= 50; i++) text += `row ${i},${i}\n`;
    await withLimits({ maxRows: 40 }, async () => {
      const status = await failedJob(text, "long.csv");
      expect(status.error_message).toMatch(/more than 40 rows/);
    });
  });

  it("a cell over the cell limit: that row is rejected, naming the limit, the others import", async () => {
    const text = `name,amount\nshort,1\n${"x".repeat(200)},2\nalso short,3\n`;
    await withLimits({ maxCellChars: 100 }, async () => {
      const title = "Import files: a long cell";
      const response = await post(
        createDataset,
        "/api/datasets",
        multipartBody(text, "cells.csv", { title, max_rejected_rows: 5 }),
      );
      expect(response.status, await response.clone().text()).toBe(202);
      const accepted = await json<Accepted>(response);
      expect(await runJob(job, accepted.job_id, RUN)).toBe("completed");
      const status = await statusOf(accepted.job_id);
      expect(status.rejected_rows).toBe(1);
      expect(status.rejected[0]).toMatchObject({ line: 3, reason: expect.stringMatching(/100/) });
      expect(await storedRows(accepted.dataset_id)).toEqual([
        { name: "short", amount: 1 },
        { name: "also short", amount: 3 },
      ]);
      expect(uploadsLeft()).toEqual([]);
    });
  });

  it("more rejected rows than max_rejected_rows: the job fails, nothing is committed", async () => {
    const text = "name,amount\na,1\nb,lots\nc,2\nd,many\ne,few\n";
    const columns = [
      { source: 0, key: "name", label: "Name", type: "string" },
      { source: 1, key: "amount", label: "Amount", type: "integer" },
    ];
    const status = await failedJob(text, "rejects.csv", { columns, max_rejected_rows: 2 });
    expect(status.rejected_rows).toBe(3);
    expect(status.error_message).toMatch(/More than 2 rows were rejected \(the import stopped at line 6\)/);
    expect(status.rejected.map((r) => r.line)).toEqual([3, 5, 6]);
  });
});
