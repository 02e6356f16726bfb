// The typed source measures a plan's columns for exact Excel widths (extents): the longest
// text as the export writes it (JSON in its text form, a redacted column as "[REDACTED]"),
// the smallest and largest number, and whether a column holds any value at all — over
// exactly the rows the plan selects (its filters and date range), on the pool and inside a
// snapshot alike. The texts measured are checked against the rows the export reads.
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { loadDatasetRows } from "@/lib/datasets/dataset-rows";
import { findDataset, type DatasetInfo } from "@/lib/datasets/dataset-store";
import { ZExportOptionsSchema, type TExportOptionsInput } from "@/lib/export/options";
import { planExport, REDACTED, type DatasetColumnDef, type ExportPlan } from "@/lib/export/plan";
import { widthsFromExtents } from "@/lib/export/formats/xlsx-sheet";
import { runExport } from "@/lib/export/run-export";
import type { ColumnExtent } from "@/lib/export/types";
import { datasetSource, type DatasetSource } from "@/lib/sources";
import { tableSql } from "@/lib/sources/typed/rows-table";
import { demoUser } from "../helpers/auth";

// A database of its own: the dataset it adds must not show in other files' lists.
process.env.DATABASE_URL = inject("sourcesDatabaseUrl");

const COLUMNS: DatasetColumnDef[] = [
  { key: "name", label: "Name", type: "string", sensitive: false },
  { key: "qty", label: "Qty", type: "integer", sensitive: false },
  { key: "price", label: "Price", type: "number", sensitive: false },
  { key: "day", label: "Day", type: "date", sensitive: false },
  { key: "at", label: "At", type: "datetime", sensitive: false },
  { key: "flag", label: "Flag", type: "boolean", sensitive: false },
  { key: "meta", label: "Meta", type: "json", sensitive: false },
  { key: "secret", label: "Secret", type: "string", sensitive: true },
  { key: "nothing", label: "Nothing", type: "string", sensitive: false },
  { key: "no_number", label: "No number", type: "number", sensitive: false },
  { key: "no_day", label: "No day", type: "date", sensitive: false },
];

const RECORDS: Array<Record<string, unknown>> = [
  {
    name: "Alice",
    qty: 5,
    price: 1.5,
    day: "2024-01-01",
    at: "2024-01-01T10:00:00Z",
    flag: true,
    meta: { a: 1 },
    secret: "a secret far longer than the stand-in",
  },
  // The longest name (Hangul counts one character each), the smallest qty, the largest price.
  {
    name: "김민수 and a much longer name",
    qty: -1200,
    price: 1234567.891,
    day: "2024-03-05",
    flag: false,
    meta: [1, 2, 3],
    secret: "x",
  },
  { name: "Bo", qty: 40, price: -3.25, day: "2024-02-10", meta: "text" },
  { qty: 7, day: "2024-02-11", at: "2024-02-11T00:00:00Z" },
];

let dataset: DatasetInfo;
let source: DatasetSource;

function plan(options: TExportOptionsInput = {}, mayIncludeSensitive = false): ExportPlan {
  return planExport(ZExportOptionsSchema.parse(options), dataset, { mayIncludeSensitive });
}

const extent = (e: Partial<ColumnExtent>): ColumnExtent => ({
  hasValues: true,
  chars: null,
  min: null,
  max: null,
  ...e,
});
const NONE: ColumnExtent = { hasValues: false, chars: null, min: null, max: null };

/** The longest value of each text column among the rows the export reads, as the writer gets them. */
async function longestRead(p: ExportPlan): Promise<Array<number | null>> {
  const longest: Array<number | null> = p.columns.map(() => null);
  for await (const batch of source.rows(p)) {
    for (const row of batch) {
      row.forEach((value, i) => {
        if (typeof value === "string" && (p.columns[i]!.type === "string" || p.columns[i]!.type === "json"))
          longest[i] = Math.max(longest[i] ?? 0, Array.from(value).length);
      });
    }
  }
  return longest;
}

beforeAll(async () => {
  const owner = await demoUser("manager");
  const created = await prisma().dataset.create({
    data: {
      title: `Typed extents ${process.pid}-${Date.now()}`,
      ownerId: owner.id,
      dateColumn: "day",
      columns: {
        create: COLUMNS.map((c, position) => ({
          position,
          key: c.key,
          label: c.label,
          type: c.type,
          sensitive: c.sensitive,
        })),
      },
    },
  });
  expect(await loadDatasetRows(created.id, [RECORDS])).toBe(RECORDS.length);
  dataset = (await findDataset(created.id))!;
  source = datasetSource(dataset);
});

describe("extents: the measure of every value a plan selects", () => {
  it("measures each type: text and JSON as written, numbers' range, the rest only present or not", async () => {
    const p = plan();
    expect(p.columns.map((c) => [c.key, c.redacted])).toContainEqual(["secret", true]);
    expect(await source.extents(p)).toEqual([
      extent({ chars: "김민수 and a much longer name".length }),
      extent({ min: -1200, max: 40 }),
      extent({ min: -3.25, max: 1234567.891 }),
      extent({}),
      extent({}),
      extent({}),
      // jsonb's text form: [1, 2, 3]
      extent({ chars: 9 }),
      // Redacted: the stand-in's length, never the hidden value's.
      extent({ chars: REDACTED.length }),
      NONE,
      NONE,
      NONE,
    ]);
  });

  it("measures the texts the export reads", async () => {
    for (const p of [plan(), plan({ include_sensitive: true }, true)]) {
      const measured = await source.extents(p);
      const read = await longestRead(p);
      p.columns.forEach((column, i) => {
        if (column.type === "string" || column.type === "json") expect(measured[i]!.chars, column.key).toBe(read[i]);
      });
    }
  });

  it("shows a sensitive column's own length to whoever may see it", async () => {
    const p = plan({ columns: ["secret"], include_sensitive: true }, true);
    expect(p.columns[0]!.redacted).toBe(false);
    expect(await source.extents(p)).toEqual([extent({ chars: "a secret far longer than the stand-in".length })]);
  });

  it("measures only the rows the filters and the date range select", async () => {
    const filtered = plan({
      columns: ["name", "qty", "price", "meta", "at", "secret"],
      filters: [{ column: "qty", op: "gt", value: 0 }],
    });
    expect(await source.extents(filtered)).toEqual([
      extent({ chars: 5 }),
      extent({ min: 5, max: 40 }),
      extent({ min: -3.25, max: 1.5 }),
      // {"a": 1}
      extent({ chars: 8 }),
      extent({}),
      extent({ chars: REDACTED.length }),
    ]);
    const ranged = plan({
      columns: ["name", "at", "flag", "secret"],
      date_range: { start: "2024-02-11", end: "2024-02-28" },
    });
    expect(await source.extents(ranged)).toEqual([NONE, extent({}), NONE, NONE]);
  });

  it("gives the same inside a snapshot, and nothing for a plan of no columns", async () => {
    const p = plan({ filters: [{ column: "name", op: "contains", value: "o" }] });
    const [onPool, inSnapshot, empty] = await Promise.all([
      source.extents(p),
      source.snapshot((reader) => reader.extents(p)),
      source.extents({ ...p, columns: [] }),
    ]);
    expect(inSnapshot).toEqual(onPool);
    expect(onPool[0]).toEqual(extent({ chars: "김민수 and a much longer name".length }));
    expect(empty).toEqual([]);
  });
});

describe("extents of numbers past a double's range", () => {
  it("measures them without failing, and the workbook still comes out", async () => {
    const owner = await demoUser("manager");
    const created = await prisma().dataset.create({
      data: {
        title: `Huge numbers ${process.pid}-${Date.now()}`,
        ownerId: owner.id,
        columns: { create: [{ position: 0, key: "n", label: "N", type: "number" }] },
      },
    });
    expect(await loadDatasetRows(created.id, [[{ n: "2.5" }]])).toBe(1);
    const huge = (await findDataset(created.id))!;
    // numeric holds them; float8 does not (a cast of 1e400 fails in PostgreSQL).
    await pgPool().query(
      `INSERT INTO ${tableSql(huge.rowsTable!)} (c0) VALUES ('1e400'::numeric), ('-1e400'::numeric)`,
    );
    const hugePlan = planExport(ZExportOptionsSchema.parse({}), huge, { mayIncludeSensitive: false });
    const [measured] = await datasetSource(huge).extents(hugePlan);
    expect(measured).toEqual({ hasValues: true, chars: null, min: -Infinity, max: Infinity });
    expect(widthsFromExtents(hugePlan.columns, [measured!])).toEqual([50]);
    const reader = datasetSource(huge);
    const { bytes } = runExport({
      format: "excel",
      columns: hugePlan.columns,
      source: reader.rows(hugePlan),
      copy: { csv: (d) => reader.csv(hugePlan, d), text: () => reader.text(hugePlan), redacted: [false] },
      options: ZExportOptionsSchema.parse({}),
      info: { datasetTitle: "Huge", filters: "", user: "test", generatedAt: new Date(0) },
      excel: { extents: () => reader.extents(hugePlan) },
    });
    const parts: Buffer[] = [];
    for await (const chunk of bytes) parts.push(Buffer.from(chunk));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(Buffer.concat(parts)).buffer);
    const ws = workbook.getWorksheet("Data")!;
    expect(ws.getColumn(1).width).toBe(50);
    expect(ws.getCell("A2").value).toBe(2.5);
  });
});
