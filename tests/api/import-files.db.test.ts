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
  workbookParts,
  zipBomb,
  type TruthRow,
} from "../helpers/import-fixtures";

// A database of its own: the datasets made here must not show in other files' lists.
process.env.DATABASE_URL = inject("sourcesDatabaseUrl");
const uploadDir = mkdtempSync(path.join(os.tmpdir(), "outport-import-files-"));
process.env.OUTPORT_UPLOAD_DIR = uploadDir;
const exportDir = mkdtempSync(path.join(os.tmpdir(), "outport-import-files-exports-"));
process.env.OUTPORT_EXPORT_DIR = exportDir;
const job = defineImportJob({ dir: uploadDir });
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
  { body, type }: { body: Uint8Array; type: string },
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
