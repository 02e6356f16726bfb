// Filters of every op on every column type give the same rows as before. One dataset with a
// column of each type and values at the edges (null and missing, negatives, decimals, case and
// Hangul in text, dates across months and years, date-times either side of midnight UTC) is
// loaded twice: into its typed table (loadDatasetRows), and as release 1 kept it, one JSONB
// object per row in `records` — under the same dataset id, whose typed table means the move of
// release 1's records never touches them. For each plan, the ids release 1's compiler
// (tests/helpers/release1-filters.ts) selects from `records` are the reference; the typed path
// must select the same ids by count(), by the COPY reads rows() and csv(), and by typed-sql's
// compileWhere with bound parameters. The summary and the charts are compared the same way.
import { beforeAll, describe, expect, inject, it } from "vitest";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { loadDatasetRows } from "@/lib/datasets/dataset-rows";
import { findDataset, type DatasetInfo } from "@/lib/datasets/dataset-store";
import {
  FILTER_OPS_BY_TYPE,
  ZExportOptionsSchema,
  type FilterOp,
  type TExportOptionsInput,
} from "@/lib/export/options";
import { planExport, type DatasetColumnDef, type ExportPlan } from "@/lib/export/plan";
import type { ColumnType } from "@/lib/export/types";
import { datasetSource, type ExportSummary, type SourceDataset } from "@/lib/sources";
import { tableSql } from "@/lib/sources/typed/rows-table";
import { tableRef } from "@/lib/sources/typed/typed-source";
import { compileWhere as typedWhere, SqlParams as TypedParams } from "@/lib/sources/typed/typed-sql";
import * as release1 from "../helpers/release1-filters";
import { demoUser } from "../helpers/auth";

// A database of its own: the dataset it adds must not show in other files' lists.
process.env.DATABASE_URL = inject("sourcesDatabaseUrl");

const ROWS = 60;

// Each column cycles through its own list (lengths differ, so rows mix them); `undefined`
// is a key the record does not have, `null` a key holding JSON null.
const NAMES = [
  "Alice",
  "alice",
  "ALICE",
  "Bob",
  "bob smith",
  "김민수",
  "김철수",
  "이영희",
  "Éclair",
  "éclair",
  "",
  " spaced ",
  "100% sure",
  "under_score",
  "back\\slash",
  "tab\there",
  "line\nbreak",
  "O'Brien",
  null,
  undefined,
  "Zed",
  "zebra",
  "민수김",
];
const TEAMS = ["Alpha", "alpha", "ALPHA", "Beta", "베타", null, "Gamma", undefined, "beta"];
const QTYS = [0, 1, -1, 42, -42, 1000, 9007199254740991, -9007199254740991, 7, null, undefined, 3, 2];
const PRICES = [0, 0.1, -0.1, 2.5, -2.5, 19.99, 1e-7, 1234567.891, 100, null, undefined];
const DAYS = [
  "2023-12-31",
  "2024-01-01",
  "2024-01-31",
  "2024-02-01",
  "2024-02-29",
  "2024-03-01",
  "2024-12-31",
  "2025-01-01",
  "2025-06-15",
  "1999-07-04",
  null,
  undefined,
  "2024-02-28",
  "2024-01-15",
];
const INSTANTS = [
  "2024-12-31T23:59:59Z",
  "2025-01-01T00:00:00Z",
  "2025-01-01T00:00:01Z",
  "2024-02-29T12:00:00Z",
  "2024-03-01T00:00:00Z",
  "2024-02-28T23:00:00Z",
  "2023-06-30T23:59:59Z",
  "2023-07-01T00:00:00Z",
  "2025-01-31T23:30:00Z",
  "2025-02-01T00:30:00Z",
  null,
  undefined,
  "2024-06-15T08:45:30Z",
  "2000-01-01T00:00:00Z",
  "2024-12-31T00:00:00Z",
  "2025-01-02T00:00:00Z",
  "2024-07-04T18:20:00Z",
];
const FLAGS = [true, false, null, true, undefined];
const METAS = [{ a: 1 }, [1, 2], "text", 0, null, undefined, { k: "한글" }, false];

const COLUMNS: Array<DatasetColumnDef & { values: readonly unknown[] }> = [
  { key: "id", label: "Id", type: "integer", sensitive: false, values: [] },
  { key: "name", label: "Name", type: "string", sensitive: false, values: NAMES },
  { key: "team", label: "Team", type: "string", sensitive: false, values: TEAMS },
  { key: "qty", label: "Quantity", type: "integer", sensitive: false, values: QTYS },
  { key: "price", label: "Price", type: "number", sensitive: false, values: PRICES },
  { key: "day", label: "Day", type: "date", sensitive: false, values: DAYS },
  { key: "at", label: "At", type: "datetime", sensitive: false, values: INSTANTS },
  { key: "flag", label: "Flag", type: "boolean", sensitive: false, values: FLAGS },
  { key: "meta", label: "Meta", type: "json", sensitive: false, values: METAS },
];

/** Row `i` (id i + 1) as release 1 stored it: a missing value is a missing key. */
function record(i: number): Record<string, unknown> {
  const data: Record<string, unknown> = { id: i + 1 };
  for (const column of COLUMNS.slice(1)) {
    const value = column.values[i % column.values.length];
    if (value !== undefined) data[column.key] = value;
  }
  return data;
}
const RECORDS = Array.from({ length: ROWS }, (_, i) => record(i));

type Case = { column: string; op: FilterOp; value?: unknown };

/** Filters for every op each type allows, several values each (the test fails if an op has none). */
const CASES: Record<ColumnType, Partial<Record<FilterOp, Array<Omit<Case, "op">>>>> = {
  string: {
    eq: [
      { column: "name", value: "Alice" },
      { column: "name", value: "alice" },
      { column: "name", value: "김민수" },
      { column: "name", value: "" },
      { column: "name", value: "nobody" },
      { column: "name", value: "back\\slash" },
      { column: "name", value: "tab\there" },
      { column: "name", value: "O'Brien" },
      { column: "team", value: "베타" },
    ],
    ne: [
      { column: "name", value: "Alice" },
      { column: "name", value: "김민수" },
      { column: "name", value: "" },
      { column: "team", value: "Alpha" },
    ],
    lt: [
      { column: "name", value: "B" },
      { column: "name", value: "alice" },
      { column: "name", value: "김" },
      { column: "name", value: "a" },
    ],
    lte: [
      { column: "name", value: "Alice" },
      { column: "name", value: "bob smith" },
    ],
    gt: [
      { column: "name", value: "Zed" },
      { column: "name", value: "b" },
      { column: "name", value: "이" },
    ],
    gte: [
      { column: "name", value: "zebra" },
      { column: "name", value: "Éclair" },
      { column: "team", value: "beta" },
    ],
    in: [
      { column: "name", value: ["Alice", "bob", "김철수"] },
      { column: "name", value: ["nothing"] },
      { column: "name", value: ["", "Zed"] },
      { column: "name", value: ["back\\slash", "tab\there", "O'Brien", 'quote"d', "line\nbreak"] },
      { column: "team", value: ["alpha", "베타"] },
    ],
    contains: [
      { column: "name", value: "ali" },
      { column: "name", value: "ALI" },
      { column: "name", value: "민수" },
      { column: "name", value: "%" },
      { column: "name", value: "_" },
      { column: "name", value: "É" },
      { column: "name", value: "é" },
      { column: "name", value: "\\" },
      { column: "name", value: "'" },
      { column: "name", value: " " },
      { column: "team", value: "A" },
    ],
    starts_with: [
      { column: "name", value: "a" },
      { column: "name", value: "A" },
      { column: "name", value: "김" },
      { column: "name", value: "BOB" },
      { column: "name", value: "%" },
      { column: "name", value: "é" },
      { column: "name", value: " " },
      { column: "team", value: "b" },
    ],
    is_null: [
      { column: "name", value: true },
      { column: "name", value: false },
      { column: "name" },
      { column: "team", value: false },
    ],
    between: [
      { column: "name", value: ["A", "C"] },
      { column: "name", value: ["a", "z"] },
      { column: "name", value: ["가", "힣"] },
      { column: "team", value: ["Alpha", "beta"] },
    ],
  },
  integer: {
    eq: [
      { column: "qty", value: 0 },
      { column: "qty", value: -42 },
      { column: "qty", value: 9007199254740991 },
      { column: "qty", value: 5 },
      { column: "id", value: 60 },
    ],
    ne: [
      { column: "qty", value: 0 },
      { column: "qty", value: 1 },
    ],
    lt: [
      { column: "qty", value: 0 },
      { column: "qty", value: -42 },
      { column: "qty", value: 1 },
      { column: "id", value: 11 },
    ],
    lte: [
      { column: "qty", value: 0 },
      { column: "qty", value: -1 },
    ],
    gt: [
      { column: "qty", value: 42 },
      { column: "qty", value: -9007199254740991 },
      { column: "qty", value: 0 },
    ],
    gte: [
      { column: "qty", value: 1000 },
      { column: "qty", value: -1 },
    ],
    in: [
      { column: "qty", value: [0, 1, -1] },
      { column: "qty", value: [9007199254740991, 12345] },
      { column: "qty", value: [-9007199254740991] },
    ],
    is_null: [
      { column: "qty", value: true },
      { column: "qty", value: false },
    ],
    between: [
      { column: "qty", value: [-1, 1] },
      { column: "qty", value: [-9007199254740991, 0] },
      { column: "qty", value: [2, 42] },
      { column: "id", value: [20, 29] },
    ],
  },
  number: {
    eq: [
      { column: "price", value: 0 },
      { column: "price", value: 0.1 },
      { column: "price", value: -2.5 },
      { column: "price", value: 1e-7 },
      { column: "price", value: 1234567.891 },
      { column: "price", value: 0.3 },
    ],
    ne: [
      { column: "price", value: 0.1 },
      { column: "price", value: 0 },
    ],
    lt: [
      { column: "price", value: 0 },
      { column: "price", value: 0.1 },
      { column: "price", value: -0.1 },
    ],
    lte: [
      { column: "price", value: 0.1 },
      { column: "price", value: 19.99 },
    ],
    gt: [
      { column: "price", value: 2.5 },
      { column: "price", value: -100 },
      { column: "price", value: 1000000 },
    ],
    gte: [
      { column: "price", value: 19.99 },
      { column: "price", value: 1e-7 },
    ],
    in: [
      { column: "price", value: [0.1, 2.5, 100] },
      { column: "price", value: [3, 1234567.891] },
      { column: "price", value: [1e-7, -0.1] },
    ],
    is_null: [
      { column: "price", value: true },
      { column: "price", value: false },
    ],
    between: [
      { column: "price", value: [-0.1, 0.1] },
      { column: "price", value: [0, 100] },
      { column: "price", value: [-2.5, -2.5] },
    ],
  },
  date: {
    eq: [
      { column: "day", value: "2024-02-29" },
      { column: "day", value: "2024-01-01" },
      { column: "day", value: "2030-01-01" },
    ],
    ne: [{ column: "day", value: "2024-02-29" }],
    lt: [
      { column: "day", value: "2024-01-01" },
      { column: "day", value: "2024-03-01" },
    ],
    lte: [{ column: "day", value: "2024-01-31" }],
    gt: [
      { column: "day", value: "2024-12-31" },
      { column: "day", value: "1999-07-04" },
    ],
    gte: [{ column: "day", value: "2025-01-01" }],
    in: [
      { column: "day", value: ["2024-02-29", "2023-12-31"] },
      { column: "day", value: ["2025-06-15"] },
    ],
    is_null: [
      { column: "day", value: true },
      { column: "day", value: false },
    ],
    between: [
      { column: "day", value: ["2024-01-01", "2024-01-31"] },
      { column: "day", value: ["2024-02-01", "2024-02-29"] },
      { column: "day", value: ["2023-12-31", "2025-01-01"] },
    ],
  },
  datetime: {
    eq: [
      { column: "at", value: "2025-01-01T00:00:00Z" },
      { column: "at", value: "2024-12-31T23:59:59Z" },
      { column: "at", value: "2025-01-01" },
      { column: "at", value: "2025-01-01T09:00:00+09:00" },
    ],
    ne: [{ column: "at", value: "2025-01-01T00:00:00Z" }],
    lt: [
      { column: "at", value: "2025-01-01T00:00:00Z" },
      { column: "at", value: "2024-03-01" },
    ],
    lte: [{ column: "at", value: "2025-01-01T00:00:00Z" }],
    gt: [
      { column: "at", value: "2024-12-31T23:59:59Z" },
      { column: "at", value: "2025-01-01T08:59:59+09:00" },
    ],
    gte: [{ column: "at", value: "2025-01-01T00:00:01Z" }],
    is_null: [
      { column: "at", value: true },
      { column: "at", value: false },
    ],
    between: [
      { column: "at", value: ["2024-12-31T23:00:00Z", "2025-01-01T00:00:00Z"] },
      { column: "at", value: ["2024-02-29", "2024-03-01"] },
      { column: "at", value: ["2023-01-01T00:00:00Z", "2023-12-31T23:59:59Z"] },
    ],
  },
  boolean: {
    eq: [
      { column: "flag", value: true },
      { column: "flag", value: false },
    ],
    ne: [
      { column: "flag", value: true },
      { column: "flag", value: false },
    ],
    is_null: [
      { column: "flag", value: true },
      { column: "flag", value: false },
    ],
  },
  json: {
    is_null: [
      { column: "meta", value: true },
      { column: "meta", value: false },
    ],
  },
};

/** Plans of several filters, date ranges on the date and the date-time column, both modes. */
const COMBINED: TExportOptionsInput[] = [
  {
    filter_mode: "all",
    filters: [
      { column: "name", op: "ne", value: "Alice" },
      { column: "qty", op: "gte", value: 0 },
      { column: "flag", op: "is_null", value: false },
    ],
  },
  {
    filter_mode: "any",
    filters: [
      { column: "name", op: "starts_with", value: "김" },
      { column: "price", op: "lt", value: 0 },
      { column: "meta", op: "is_null", value: true },
    ],
  },
  {
    filter_mode: "any",
    filters: [
      { column: "at", op: "between", value: ["2024-12-31T23:00:00Z", "2025-01-01T00:00:00Z"] },
      { column: "day", op: "in", value: ["2024-02-29"] },
      { column: "flag", op: "ne", value: true },
    ],
  },
  { date_range: { start: "2024-01-01", end: "2024-02-29" } },
  { date_range: { start: "2024-12-31" } },
  { date_range: { end: "2023-12-31" } },
  { date_range: { column: "day", start: "2024-02-29", end: "2024-02-29" } },
  { date_range: { column: "at", start: "2024-12-31", end: "2024-12-31" } },
  { date_range: { column: "at", start: "2025-01-01" } },
  { date_range: { column: "at", end: "2024-02-29" } },
  { date_range: { column: "at", start: "2024-02-29", end: "2025-01-01" } },
  {
    date_range: { column: "at", start: "2024-01-01", end: "2025-01-31" },
    filter_mode: "any",
    filters: [
      { column: "team", op: "eq", value: "alpha" },
      { column: "qty", op: "is_null" },
    ],
  },
  {
    date_range: { start: "2024-01-01", end: "2025-12-31" },
    filter_mode: "all",
    filters: [
      { column: "team", op: "contains", value: "ALPHA" },
      { column: "price", op: "ne", value: 0 },
    ],
  },
];

let dataset: DatasetInfo;
let sourceDataset: SourceDataset;

function plan(options: TExportOptionsInput, columns?: string[]): ExportPlan {
  return planExport(ZExportOptionsSchema.parse({ ...options, ...(columns ? { columns } : {}) }), dataset, {
    mayIncludeSensitive: false,
  });
}

/** The ids release 1's compiler selects from `records`. */
async function release1Ids(p: ExportPlan): Promise<number[]> {
  const params = new release1.SqlParams();
  const id = params.add(dataset.id);
  const where = release1.compileWhere(p, params);
  const { rows } = await pgPool().query<{ id: number }>(
    `SELECT (data->>'id')::int AS id FROM records WHERE dataset_id = ${id} AND ${where} ORDER BY 1`,
    params.values,
  );
  return rows.map((r) => r.id);
}

async function collect<T>(chunks: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

/** The ids the typed path selects, by every way it reads. */
async function typedIds(options: TExportOptionsInput) {
  const source = datasetSource(sourceDataset);
  const full = plan(options);
  const ids = plan(options, ["id"]);
  const params = new TypedParams();
  const where = typedWhere(tableRef(sourceDataset), full, params);
  const idColumn = dataset.columns.find((c) => c.key === "id")!.position;
  const bound = await pgPool().query<{ id: string }>(
    `SELECT "c${idColumn}" AS id FROM ${tableSql(dataset.rowsTable!)} WHERE ${where} ORDER BY row_id`,
    params.values,
  );
  const batches = await collect(source.rows(ids, { batchSize: 7 }));
  const csv = Buffer.concat((await collect(source.csv(ids, { delimiter: "," }))).map((c) => Buffer.from(c))).toString(
    "utf8",
  );
  return {
    count: await source.count(full),
    bound: bound.rows.map((r) => Number(r.id)),
    rows: batches.flat().map((row) => Number(row[0])),
    csv: csv
      .split("\n")
      .filter((line) => line !== "")
      .map(Number),
  };
}

async function expectSameRows(options: TExportOptionsInput): Promise<number> {
  const label = JSON.stringify(options);
  const expected = await release1Ids(plan(options));
  const typed = await typedIds(options);
  expect(typed.bound, `${label} (compileWhere, bound)`).toEqual(expected);
  expect(typed.rows, `${label} (rows(), COPY text)`).toEqual(expected);
  expect(typed.csv, `${label} (csv(), COPY csv)`).toEqual(expected);
  expect(typed.count, `${label} (count())`).toBe(expected.length);
  return expected.length;
}

beforeAll(async () => {
  const owner = await demoUser("manager");
  const stamp = `${process.pid}-${Date.now()}`;
  const created = await prisma().dataset.create({
    data: {
      title: `Typed filters ${stamp}`,
      ownerId: owner.id,
      dateColumn: "day",
      categoryColumn: "team",
      columns: {
        create: COLUMNS.map((c, position) => ({ position, key: c.key, label: c.label, type: c.type })),
      },
    },
  });
  // Release 1's copy first: the typed table the load creates keeps the move away from it.
  await prisma().record.createMany({
    data: RECORDS.map((data) => ({ datasetId: created.id, data: data as object })),
  });
  const loaded = await loadDatasetRows(created.id, [RECORDS]);
  expect(loaded).toBe(ROWS);
  dataset = (await findDataset(created.id))!;
  expect(dataset.rowsTable).toBeTruthy();
  sourceDataset = dataset;
});

describe("filters of every op on every type give the same rows as before", () => {
  for (const [type, ops] of Object.entries(FILTER_OPS_BY_TYPE) as Array<[ColumnType, readonly FilterOp[]]>) {
    for (const op of ops) {
      it(`${type} ${op}`, async () => {
        const cases = CASES[type][op] ?? [];
        expect(cases.length, `cases for ${type} ${op}`).toBeGreaterThan(0);
        for (const { column, value } of cases) {
          expect(COLUMNS.find((c) => c.key === column)?.type).toBe(type);
          await expectSameRows({ filters: [{ column, op, ...(value === undefined ? {} : { value }) }] });
        }
      });
    }

    it(`${type}: the cases select some rows but not all`, async () => {
      const sizes: number[] = [];
      for (const [op, cases] of Object.entries(CASES[type])) {
        for (const { column, value } of cases ?? []) {
          sizes.push((await release1Ids(plan({ filters: [{ column, op: op as FilterOp, value }] }))).length);
        }
      }
      expect(
        sizes.some((n) => n > 0 && n < ROWS),
        `sizes ${sizes.join(",")}`,
      ).toBe(true);
      expect(new Set(sizes).size).toBeGreaterThan(1);
    });
  }

  it("no case is left for an op the type does not allow (the plan would refuse it)", () => {
    for (const [type, ops] of Object.entries(CASES) as Array<[ColumnType, Record<string, unknown>]>) {
      for (const op of Object.keys(ops)) expect(FILTER_OPS_BY_TYPE[type], `${type} ${op}`).toContain(op);
    }
  });

  it("several filters (all and any) and date ranges on the date and the date-time column", async () => {
    const sizes: number[] = [];
    for (const options of COMBINED) sizes.push(await expectSameRows(options));
    expect(
      sizes.some((n) => n > 0 && n < ROWS),
      `sizes ${sizes.join(",")}`,
    ).toBe(true);
  });

  it("a plan of no filter selects every row, in row order", async () => {
    const typed = await typedIds({});
    expect(typed.rows).toEqual(RECORDS.map((r) => r.id));
    expect(typed.count).toBe(ROWS);
  });

  it("ne keeps the rows whose value is null or missing; is_null counts both", async () => {
    const nameless = RECORDS.filter((r) => r.name === null || r.name === undefined).map((r) => r.id as number);
    expect(nameless.length).toBeGreaterThan(1);
    const { rows } = await typedIds({ filters: [{ column: "name", op: "ne", value: "Alice" }] });
    for (const id of nameless) expect(rows).toContain(id);
    expect((await typedIds({ filters: [{ column: "name", op: "is_null" }] })).rows).toEqual(nameless);
  });

  it("a date-time range takes the whole end day in UTC, and not the next midnight", async () => {
    const { rows } = await typedIds({ date_range: { column: "at", start: "2024-12-31", end: "2024-12-31" } });
    const day = RECORDS.filter((r) => typeof r.at === "string" && r.at.startsWith("2024-12-31")).map((r) => r.id);
    expect(day.length).toBeGreaterThan(1);
    expect(rows).toEqual(day);
  });
});

/** Release 1's summary of a plan, from `records`, as its source computed it. */
async function release1Summary(
  p: ExportPlan | null,
  columns: { category: string | null; date: string | null },
): Promise<
  Omit<ExportSummary, "numeric"> & { numeric: Array<{ key: string; min: unknown; avg: unknown; max: unknown }> }
> {
  const db = pgPool();
  const scoped = (params: release1.SqlParams) => {
    const id = params.add(dataset.id);
    const where = p ? release1.compileWhere(p, params) : "TRUE";
    return `FROM records WHERE dataset_id = ${id} AND jsonb_typeof(data) = 'object' AND ${where}`;
  };
  const numericKeys = (p?.columns ?? []).filter((c) => c.type === "integer" || c.type === "number").map((c) => c.key);
  const stats = new release1.SqlParams();
  const aggregates = numericKeys.map((key) => {
    const value = release1.fieldNumber(key, stats);
    return `, min(${value})::float8, avg(${value})::float8, max(${value})::float8`;
  });
  const from = scoped(stats);
  const { rows: statRows } = await db.query<unknown[]>({
    text: `SELECT count(*)::float8${aggregates.join("")} ${from}`,
    values: stats.values,
    rowMode: "array",
  });
  const row = statRows[0]!;
  const num = (v: unknown) => (v === null ? null : Number(v));

  let byCategory: ExportSummary["byCategory"] = null;
  if (columns.category) {
    const params = new release1.SqlParams();
    const key = params.add(columns.category);
    const from = scoped(params);
    const { rows } = await db.query<{ label: string | null; n: string }>(
      `SELECT data->>${key} AS label, count(*) AS n ${from} GROUP BY 1 ORDER BY count(*) DESC, 1 ASC`,
      params.values,
    );
    byCategory = { labels: [], counts: [], otherCount: 0 };
    for (const [index, r] of rows.entries()) {
      if (index < 10) {
        byCategory.labels.push(r.label ?? "—");
        byCategory.counts.push(Number(r.n));
      } else byCategory.otherCount += Number(r.n);
    }
  }
  let byMonth: ExportSummary["byMonth"] = null;
  if (columns.date) {
    const params = new release1.SqlParams();
    const key = params.add(columns.date);
    const from = scoped(params);
    const { rows } = await db.query<{ month: string; n: string }>(
      `SELECT substr(data->>${key}, 1, 7) AS month, count(*) AS n ${from} AND data->>${key} IS NOT NULL GROUP BY 1 ORDER BY 1`,
      params.values,
    );
    byMonth = { labels: rows.map((r) => r.month), counts: rows.map((r) => Number(r.n)) };
  }
  return {
    records: Number(row[0]),
    numeric: numericKeys.map((key, i) => ({
      key,
      min: num(row[1 + 3 * i]),
      avg: num(row[2 + 3 * i]),
      max: num(row[3 + 3 * i]),
    })),
    byCategory,
    byMonth,
  };
}

describe("summary figures and charts are the same as before", () => {
  const PLANS: TExportOptionsInput[] = [
    {},
    { filters: [{ column: "qty", op: "between", value: [-1000, 1000] }] },
    COMBINED[1]!,
    { date_range: { start: "2024-01-01", end: "2024-12-31" } },
    { filters: [{ column: "name", op: "eq", value: "nobody" }] },
  ];

  // The dataset's own category (few values) and date column, then many categories (the
  // rest counted as "other") and months of a date-time column.
  const VARIANTS = [
    { category: "team", date: "day" },
    { category: "name", date: "at" },
  ];

  for (const columns of VARIANTS) {
    it(`summary() by ${columns.category} and ${columns.date}`, async () => {
      const source = datasetSource({ ...sourceDataset, categoryColumn: columns.category, dateColumn: columns.date });
      let others = 0;
      for (const options of PLANS) {
        const p = plan(options);
        const typed = await source.summary(p);
        const before = await release1Summary(p, columns);
        const label = JSON.stringify(options);
        expect(typed.records, label).toBe(before.records);
        expect(
          typed.numeric.map(({ key, min, avg, max }) => ({ key, min, avg, max })),
          label,
        ).toEqual(before.numeric);
        expect(typed.byCategory, label).toEqual(before.byCategory);
        expect(typed.byMonth, label).toEqual(before.byMonth);
        others += typed.byCategory?.otherCount ?? 0;
      }
      if (columns.category === "name") expect(others).toBeGreaterThan(0);
    });

    it(`charts() of the whole dataset by ${columns.category} and ${columns.date}`, async () => {
      const source = datasetSource(sourceDataset);
      const typed = await source.charts(columns);
      const before = await release1Summary(null, columns);
      expect(typed.byCategory).toEqual(before.byCategory);
      expect(typed.byMonth).toEqual(before.byMonth);
      expect(typed.byMonth!.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    });
  }
});
