// The move of a release-1 database into typed tables loses nothing. A dataset is built the
// way release 1 stored it (rows as JSON objects in `records`, `rows_table` null), with
// every column type, a sensitive column, the values exports are hard on, values that no
// longer fit their column and a record that is not a JSON object. Each format is exported
// before the move as release 1 read the rows (tests/helpers/release1-rows.ts) and after it
// through the real path (prepareExport + openExport on the dataset's source): the files
// must be the same except exactly the cells of the values that did not fit, which become
// empty. Then the move's own promises: ids kept, counts, one audit event per dropped value,
// `records` empty, an interrupted move resumed with every row once, a second run a no-op.
//
// On a database of its own (migrated, no demo data): the move takes every dataset still in
// `records`, and the other files' datasets and audit counts stay untouched.
import ExcelJS from "exceljs";
import { excelInfoSheet } from "@/lib/exports/excel-info";
import { parquetReadObjects } from "hyparquet";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { CurrentUser } from "@/lib/auth/current-user";
import { applyMigrations } from "@/lib/data/migrate";
import { moveRecordsToTypedTables } from "@/lib/data/move-records";
import { closePgPool, pgPool } from "@/lib/data/pg";
import { disconnectPrisma } from "@/lib/data/prisma";
import type { ExportFormat } from "@/lib/export/formats";
import { runExport } from "@/lib/export/run-export";
import { openExport } from "@/lib/exports/open-export";
import { prepareExport } from "@/lib/exports/prepare-export";
import { datasetSource } from "@/lib/sources";
import { createRowsTable, tableSql } from "@/lib/sources/typed/rows-table";
import { storedColumns } from "@/lib/datasets/dataset-rows";
import { release1Rows } from "../helpers/release1-rows";
import { onServer } from "../helpers/server-admin";

const serverUrl = new URL(inject("databaseUrl"));
const dbName = `move_records_${process.pid}`;

const admin = <T>(work: (client: pg.Client) => Promise<T>) => onServer(serverUrl, work);

type ColumnSpec = { key: string; label: string; type: string; sensitive?: boolean };
const COLUMNS: ColumnSpec[] = [
  { key: "ref", label: "Reference", type: "string" },
  { key: "qty", label: "Quantity", type: "integer" },
  { key: "amount", label: "Amount", type: "number" },
  { key: "day", label: "Day", type: "date" },
  { key: "at", label: "At", type: "datetime" },
  { key: "ok", label: "OK", type: "boolean" },
  { key: "meta", label: "Meta", type: "json" },
  { key: "secret", label: "Secret", type: "string", sensitive: true },
];
const KEYS = COLUMNS.map((c) => c.key);

/**
 * The records, as the JSON text release 1 stored (text, so numbers keep every digit). The
 * `unfit` of each names the keys whose values no longer fit their column.
 */
const RECORDS: Array<{ json: string; unfit?: string[] }> = [
  {
    json: `{"ref": "=SUM(A1:A2)", "qty": 42, "amount": 1234.5, "day": "2024-01-15", "at": "2024-01-15T09:30:00.123Z", "ok": true, "meta": {"a": 1, "b": [1, 2]}, "secret": "s-one"}`,
  },
  {
    json: `{"ref": "+82 10-1234-5678", "qty": -7, "amount": -0.25, "day": "2024-02-29", "at": "2024-02-29T23:59:59Z", "ok": false, "meta": [1, "x", null], "secret": "s-two"}`,
  },
  {
    json: `{"ref": "-minus", "qty": 9007199254740993, "amount": 12345678901234567.25, "day": "1999-12-31", "at": "2024-03-01T12:00:00+09:00", "ok": true, "meta": "just text", "secret": "=HYPERLINK(\\"x\\")"}`,
  },
  {
    json: `{"ref": "@cmd", "qty": "abc", "amount": 0.1, "day": "2024-06-01", "at": "2024-06-01T00:00:00.000Z", "ok": false, "meta": {"id": 12345678901234567890, "x": 1.50}, "secret": "s-four"}`,
    unfit: ["qty"],
  },
  {
    json: `{"ref": "a,b \\"quoted\\"\\nsecond line; semi", "qty": 3.5, "amount": 7, "day": "2024-02-30", "at": "2024-07-01T08:00:00Z", "ok": "maybe", "meta": {"k": "콤마, \\"따옴표\\""}, "secret": "s-five"}`,
    unfit: ["qty", "day", "ok"],
  },
  {
    json: `{"ref": "한글 텍스트", "qty": null, "amount": null, "meta": null, "secret": null}`,
  },
  { json: `[1, 2, 3]` },
  {
    json: `{"ref": "\\ttab first", "qty": -9223372036854775808, "amount": "12,5", "day": "2023-12-31", "at": "yesterday", "ok": true}`,
    unfit: ["amount", "at"],
  },
  {
    json: `{"ref": "", "qty": 0, "amount": -1234.5, "day": "2024-01-01", "at": "2024-12-31T23:59:59.999Z", "ok": false, "meta": {}, "secret": "s-nine"}`,
  },
];

let adminUser: CurrentUser;
let datasetId = 0;

async function createUser(email: string, role: string): Promise<CurrentUser> {
  const { rows } = await pgPool().query<{ id: number }>(
    `INSERT INTO users (email, name, password_hash, role, updated_at) VALUES ($1, $2, 'not-a-hash', $3::"Role", now()) RETURNING id`,
    [email, email.split("@")[0], role],
  );
  return { id: rows[0]!.id, email, name: email.split("@")[0]!, role: role as CurrentUser["role"] };
}

/** A dataset as release 1 stored it: its columns, and its records as JSONB in `records`. */
async function release1Dataset(title: string, ownerId: number, columns: ColumnSpec[], records: string[]) {
  const pool = pgPool();
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO datasets (title, owner_id, record_count, date_column, category_column, updated_at)
     VALUES ($1, $2, $3, 'day', 'ref', now()) RETURNING id`,
    [title, ownerId, records.length],
  );
  const id = rows[0]!.id;
  for (const [position, c] of columns.entries()) {
    await pool.query(
      `INSERT INTO dataset_columns (dataset_id, position, key, label, type, sensitive) VALUES ($1, $2, $3, $4, $5::"ColumnType", $6)`,
      [id, position, c.key, c.label, c.type, c.sensitive ?? false],
    );
  }
  const ids: number[] = [];
  for (const json of records) {
    const inserted = await pool.query<{ id: number }>(
      `INSERT INTO records (dataset_id, data) VALUES ($1, $2::jsonb) RETURNING id`,
      [id, json],
    );
    ids.push(inserted.rows[0]!.id);
  }
  return { id, ids };
}

async function bytesOf(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

type Case = { name: string; format: ExportFormat; options: Record<string, unknown> };
const CASES: Case[] = [
  { name: "csv", format: "csv", options: {} },
  { name: "csv ;", format: "csv", options: { delimiter: ";" } },
  { name: "csv no bom", format: "csv", options: { bom: false } },
  { name: "csv Seoul", format: "csv", options: { timezone: "Asia/Seoul" } },
  { name: "csv redacted", format: "csv", options: { include_sensitive: false } },
  { name: "json", format: "json", options: {} },
  { name: "ndjson", format: "ndjson", options: {} },
  { name: "excel", format: "excel", options: {} },
  { name: "parquet", format: "parquet", options: {} },
];
const before = new Map<string, Buffer>();
const after = new Map<string, Buffer>();

function withSensitive(options: Record<string, unknown>) {
  return { include_sensitive: true, ...options };
}

/** Release 1's file: the engine fed with the rows as release 1 read them. */
async function release1File(c: Case, generatedAt: Date): Promise<Buffer> {
  const prepared = await prepareExport(adminUser, datasetId, c.format, withSensitive(c.options));
  const { bytes } = runExport({
    format: prepared.format,
    columns: prepared.columns,
    source: release1Rows(pgPool(), datasetId, prepared.plan),
    options: prepared.options,
    info: { ...prepared.info, generatedAt },
    // The workbook's info sheet in the words today's path uses (release 1 had no others).
    excel: { infoSheet: excelInfoSheet("en", { ...prepared, info: { ...prepared.info, generatedAt } }) },
  });
  return bytesOf(bytes);
}

/** Today's file: the export path the download and the jobs take. */
async function typedFile(c: Case, generatedAt: Date): Promise<Buffer> {
  const prepared = await prepareExport(adminUser, datasetId, c.format, withSensitive(c.options));
  const opened = openExport({ ...prepared, info: { ...prepared.info, generatedAt } }, datasetSource(prepared.dataset));
  return bytesOf(opened.bytes);
}

/** The (data row index, column key) of every value that did not fit, in export order. */
function unfitCells(): Set<string> {
  const cells = new Set<string>();
  let row = 0;
  for (const record of RECORDS) {
    if (record.json.startsWith("[")) continue;
    for (const key of record.unfit ?? []) cells.add(`${row}:${key}`);
    row++;
  }
  return cells;
}

/** A CSV file's fields as written (quotes kept), rows split at CRLF outside quotes. */
function rawCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === delimiter) {
      row.push(text.slice(start, i));
      start = i + 1;
    } else if (!quoted && c === "\r" && text[i + 1] === "\n") {
      row.push(text.slice(start, i));
      rows.push(row);
      row = [];
      start = i + 2;
      i++;
    }
  }
  if (start < text.length || row.length > 0) rows.push([...row, text.slice(start)]);
  return rows;
}

/** A value as comparable text (bigints and dates included). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ?? String(value);
}

/** Where two tables of cells differ, as `row:key` (row 0 the first data row), given the header row. */
function differingCells(a: unknown[][], b: unknown[][], keys: readonly string[]): string[] {
  expect(b.length).toBe(a.length);
  const cells: string[] = [];
  a.forEach((row, r) => {
    expect(b[r]!.length).toBe(row.length);
    row.forEach((value, i) => {
      if (canonical(value) !== canonical(b[r]![i])) cells.push(`${r}:${keys[i]}`);
    });
  });
  return cells;
}

beforeAll(async () => {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
  await admin((c) => c.query(`CREATE DATABASE "${dbName}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  await closePgPool();
  await disconnectPrisma();
  process.env.DATABASE_URL = url.toString();
  await applyMigrations(url.toString());
  adminUser = await createUser("admin@move.test", "admin");
  const created = await release1Dataset(
    "Release one",
    adminUser.id,
    COLUMNS,
    RECORDS.map((r) => r.json),
  );
  datasetId = created.id;
});

afterAll(async () => {
  await closePgPool();
  await disconnectPrisma();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
});

describe("moving a release-1 dataset into its typed table", () => {
  let recordIds: number[] = [];
  let objectIds: number[] = [];
  const generatedAt = new Date("2026-12-01T10:20:30Z");

  it("exports every format the release-1 way first, then moves", async () => {
    const { rows } = await pgPool().query<{ id: number; object: boolean }>(
      `SELECT id, jsonb_typeof(data) = 'object' AS object FROM records WHERE dataset_id = $1 ORDER BY id`,
      [datasetId],
    );
    recordIds = rows.map((r) => r.id);
    objectIds = rows.filter((r) => r.object).map((r) => r.id);
    expect(recordIds).toHaveLength(RECORDS.length);
    for (const c of CASES) before.set(c.name, await release1File(c, generatedAt));

    const lines: string[] = [];
    const report = await moveRecordsToTypedTables((line) => lines.push(line), { batchSize: 4 });
    expect(report).toEqual({ datasets: 1, rows: objectIds.length, droppedValues: 6, skippedRecords: 1 });
    for (const c of CASES) after.set(c.name, await typedFile(c, generatedAt));
  });

  it("empties records, names the table, counts the rows and keeps their ids", async () => {
    const pool = pgPool();
    expect((await pool.query(`SELECT count(*)::int AS n FROM records`)).rows[0].n).toBe(0);
    const { rows } = await pool.query<{ rows_table: string; record_count: number }>(
      `SELECT rows_table, record_count FROM datasets WHERE id = $1`,
      [datasetId],
    );
    expect(rows[0]).toEqual({ rows_table: `d${datasetId}`, record_count: objectIds.length });
    const ids = await pool.query<{ row_id: string }>(`SELECT row_id FROM ${tableSql(`d${datasetId}`)} ORDER BY row_id`);
    expect(ids.rows.map((r) => Number(r.row_id))).toEqual(objectIds);
  });

  it("records one row_value_dropped event per unfit value, and the record that was not an object", async () => {
    const { rows } = await pgPool().query<{ target_type: string; target_id: string; details: Record<string, unknown> }>(
      `SELECT target_type, target_id, details FROM audit_events WHERE action = 'row_value_dropped' ORDER BY id`,
    );
    for (const row of rows) expect([row.target_type, row.target_id]).toEqual(["dataset", String(datasetId)]);
    const order = (e: { row_id: unknown; column: unknown }) => Number(e.row_id) * 100 + KEYS.indexOf(String(e.column));
    const events = rows
      .map(({ details: { row_id, column, value } }) => ({ row_id, column, value }))
      .sort((a, b) => order(a) - order(b));
    const id = (index: number) => recordIds[index];
    expect(events).toEqual([
      { row_id: id(3), column: "qty", value: "abc" },
      { row_id: id(4), column: "qty", value: "3.5" },
      { row_id: id(4), column: "day", value: "2024-02-30" },
      { row_id: id(4), column: "ok", value: "maybe" },
      { row_id: id(6), column: null, value: "[1, 2, 3]" },
      { row_id: id(7), column: "amount", value: "12,5" },
      { row_id: id(7), column: "at", value: "yesterday" },
    ]);
    for (const row of rows) expect(typeof row.details.reason).toBe("string");
  });

  // Where the text formats differ besides: JSON null in a JSON column, which release 1 wrote
  // as the text "null" in CSV and Excel, is a null now and written empty (a null is an empty field),
  // as JSON and NDJSON always wrote it (null) and release 1's filters already took it (is_null).
  const JSON_NULL = "5:meta";
  const expectedCells = () => [...unfitCells(), JSON_NULL];

  for (const c of CASES.filter((c) => c.format === "csv")) {
    it(`CSV (${c.name}): the same bytes but for the unfit cells, now empty`, () => {
      const delimiter = (c.options.delimiter as string | undefined) ?? ",";
      const a = before.get(c.name)!.toString("utf8");
      const b = after.get(c.name)!.toString("utf8");
      expect(b.startsWith("\uFEFF")).toBe(c.options.bom !== false);
      expect(a.startsWith("\uFEFF")).toBe(c.options.bom !== false);
      const rawA = rawCsv(a, delimiter);
      const rawB = rawCsv(b, delimiter);
      // The split is lossless: joined again, the fields are the file.
      expect(rawB.map((r) => `${r.join(delimiter)}\r\n`).join("")).toBe(b);
      expect(rawA[0]).toEqual(rawB[0]);
      const cells = differingCells(rawA.slice(1), rawB.slice(1), KEYS);
      expect(cells.sort()).toEqual(expectedCells().sort());
      for (const cell of cells) {
        const [r, key] = cell.split(":");
        expect(rawB[Number(r) + 1]![KEYS.indexOf(key!)]).toBe("");
      }
      expect(rawA[6]![KEYS.indexOf("meta")]).toBe("null");
      // Big numbers keep every digit through the move.
      expect(b).toContain(`${delimiter}9007199254740993${delimiter}12345678901234567.25${delimiter}`);
    });
  }

  for (const format of ["json", "ndjson"] as const) {
    it(`${format}: the same bytes but for the unfit values, now null (big numbers keep their digits)`, () => {
      const a = before.get(format)!.toString("utf8");
      const b = after.get(format)!.toString("utf8");
      const linesA = a.split("\n");
      const linesB = b.split("\n");
      expect(linesB).toHaveLength(linesA.length);
      const unfit = unfitCells();
      const differing: string[] = [];
      let row = -1;
      linesA.forEach((lineA, i) => {
        const lineB = linesB[i]!;
        const isRow = /^\s*\{/.test(lineA);
        if (isRow) row++;
        if (lineA === lineB) return;
        expect(isRow).toBe(true);
        const objectA = JSON.parse(lineA.replace(/,\s*$/, "")) as Record<string, unknown>;
        const objectB = JSON.parse(lineB.replace(/,\s*$/, "")) as Record<string, unknown>;
        for (const key of KEYS) {
          if (canonical(objectA[key]) === canonical(objectB[key])) continue;
          differing.push(`${row}:${key}`);
          expect(objectB[key]).toBeNull();
        }
      });
      expect(differing.sort()).toEqual([...unfit].sort());
      expect(b).toContain("9007199254740993");
    });
  }

  it("Excel: the same cells but for the unfit values, now empty", async () => {
    const read = async (bytes: Buffer) => {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(new Uint8Array(bytes).buffer);
      return workbook.worksheets.map((ws) => {
        const rows: unknown[][] = [];
        ws.eachRow({ includeEmpty: true }, (r) => {
          const cells: unknown[] = [];
          for (let i = 1; i <= Math.max(KEYS.length, r.cellCount); i++) {
            const v = r.getCell(i).value;
            cells.push(v instanceof Date ? v.toISOString() : (v ?? null));
          }
          rows.push(cells);
        });
        return { name: ws.name, rows };
      });
    };
    const a = await read(before.get("excel")!);
    const b = await read(after.get("excel")!);
    expect(b.map((s) => s.name)).toEqual(a.map((s) => s.name));
    const data = 0;
    // Every other sheet (the export's information) is the same.
    for (let s = 1; s < a.length; s++) expect(b[s]!.rows).toEqual(a[s]!.rows);
    expect(b[data]!.rows[0]).toEqual(a[data]!.rows[0]);
    const cells = differingCells(a[data]!.rows.slice(1), b[data]!.rows.slice(1), KEYS);
    expect(a[data]!.rows[6]![KEYS.indexOf("meta")]).toBe("null");
    expect(cells.sort()).toEqual(expectedCells().sort());
    for (const cell of cells) {
      const [r, key] = cell.split(":");
      expect(b[data]!.rows[Number(r) + 1]![KEYS.indexOf(key!)]).toBeNull();
    }
  });

  it("Parquet: the same values but for the unfit ones, now null", async () => {
    const read = async (bytes: Buffer) =>
      (await parquetReadObjects({ file: new Uint8Array(bytes).buffer })).map((row) => Object.values(row));
    const a = await read(before.get("parquet")!);
    const b = await read(after.get("parquet")!);
    // Release 1's Parquet already wrote null for a value that does not fit its typed column.
    expect(differingCells(a, b, KEYS)).toEqual([]);
    for (const cell of unfitCells()) {
      const [r, key] = cell.split(":");
      expect(b[Number(r)]![KEYS.indexOf(key!)]).toBeNull();
    }
    expect(b[2]![KEYS.indexOf("qty")]).toBe(9007199254740993n);
  });
});

describe("an interrupted move", () => {
  const GENERATED = 14;
  let resumed = 0;
  let ids: number[] = [];

  it("resumes where it stopped, every row exactly once, each dropped value audited once", async () => {
    const pool = pgPool();
    const records = Array.from({ length: GENERATED }, (_, i) =>
      JSON.stringify({
        ref: `r-${i}`,
        qty: i === 2 ? "two" : i,
        amount: i / 4,
        day: `2024-03-${String(i + 1).padStart(2, "0")}`,
      }),
    );
    const created = await release1Dataset("Interrupted", adminUser.id, COLUMNS.slice(0, 4), records);
    resumed = created.id;
    ids = created.ids;
    // The table exists already (a first run got that far), and refuses the 10th row: the
    // run stops in its third batch of four, after two committed ones.
    const columns = await storedColumns(pool, resumed);
    await createRowsTable(pool, resumed, columns, "day");
    const table = tableSql(`d${resumed}`);
    await pool.query(`ALTER TABLE ${table} ADD CONSTRAINT stop_here CHECK (row_id <> ${ids[9]})`);
    await expect(moveRecordsToTypedTables(() => {}, { batchSize: 4 })).rejects.toThrow(/stop_here/);

    const left = await pool.query<{ id: number }>(`SELECT id FROM records WHERE dataset_id = $1 ORDER BY id`, [
      resumed,
    ]);
    expect(left.rows.map((r) => r.id)).toEqual(ids.slice(8));
    const moved = await pool.query<{ row_id: string }>(`SELECT row_id FROM ${table} ORDER BY row_id`);
    expect(moved.rows.map((r) => Number(r.row_id))).toEqual(ids.slice(0, 8));
    const state = await pool.query(`SELECT rows_table FROM datasets WHERE id = $1`, [resumed]);
    expect(state.rows[0].rows_table).toBeNull();

    await pool.query(`ALTER TABLE ${table} DROP CONSTRAINT stop_here`);
    const report = await moveRecordsToTypedTables(() => {}, { batchSize: 4 });
    expect(report).toEqual({ datasets: 1, rows: GENERATED - 8, droppedValues: 0, skippedRecords: 0 });

    const all = await pool.query<{ row_id: string; c0: string; c1: string | null }>(
      `SELECT row_id, "c0", "c1" FROM ${table} ORDER BY row_id`,
    );
    expect(all.rows.map((r) => Number(r.row_id))).toEqual(ids);
    expect(all.rows.map((r) => r.c0)).toEqual(records.map((_, i) => `r-${i}`));
    expect(all.rows[2]!.c1).toBeNull();
    expect((await pool.query(`SELECT count(*)::int AS n FROM records`)).rows[0].n).toBe(0);
    const dataset = await pool.query(`SELECT rows_table, record_count FROM datasets WHERE id = $1`, [resumed]);
    expect(dataset.rows[0]).toEqual({ rows_table: `d${resumed}`, record_count: GENERATED });
    const events = await pool.query(
      `SELECT details->>'row_id' AS row_id, details->>'value' AS value FROM audit_events
        WHERE action = 'row_value_dropped' AND target_id = $1`,
      [String(resumed)],
    );
    expect(events.rows).toEqual([{ row_id: String(ids[2]), value: "two" }]);
    // New rows after the move take ids past the kept ones.
    const next = await pool.query<{ row_id: string }>(`INSERT INTO ${table} ("c0") VALUES ('new') RETURNING row_id`);
    expect(Number(next.rows[0]!.row_id)).toBeGreaterThan(ids.at(-1)!);
    await pool.query(`DELETE FROM ${table} WHERE "c0" = 'new'`);
  });

  it("does nothing on a database already moved", async () => {
    const pool = pgPool();
    const snapshot = async () =>
      (
        await pool.query(
          `SELECT (SELECT count(*)::int FROM audit_events) AS events,
                  (SELECT json_agg(json_build_object('id', id, 'rows_table', rows_table, 'n', record_count) ORDER BY id) FROM datasets) AS datasets,
                  (SELECT count(*)::int FROM ${tableSql(`d${resumed}`)}) AS rows`,
        )
      ).rows[0];
    const before = await snapshot();
    const lines: string[] = [];
    expect(await moveRecordsToTypedTables((line) => lines.push(line))).toEqual({
      datasets: 0,
      rows: 0,
      droppedValues: 0,
      skippedRecords: 0,
    });
    expect(lines).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });
});

describe("the move's log", () => {
  it("names a dropped value of a sensitive column without printing it; the audit keeps it", async () => {
    const created = await release1Dataset(
      "Sensitive numbers",
      adminUser.id,
      [
        { key: "day", label: "Day", type: "date" },
        { key: "pin", label: "PIN", type: "integer", sensitive: true },
        { key: "qty", label: "Quantity", type: "integer" },
      ],
      [`{"day": "2024-01-01", "pin": "s3cr3t-pin", "qty": "visible-qty"}`],
    );
    const lines: string[] = [];
    await moveRecordsToTypedTables((line) => lines.push(line));
    const log = lines.join("\n");
    expect(log).toContain(`row ${created.ids[0]}, column pin`);
    expect(log).not.toContain("s3cr3t");
    expect(log).toContain("visible-qty");
    const { rows } = await pgPool().query(
      `SELECT details->>'column' AS column, details->>'value' AS value FROM audit_events
        WHERE action = 'row_value_dropped' AND target_id = $1 ORDER BY details->>'column'`,
      [String(created.id)],
    );
    expect(rows).toEqual([
      { column: "pin", value: "s3cr3t-pin" },
      { column: "qty", value: "visible-qty" },
    ]);
  });
});
