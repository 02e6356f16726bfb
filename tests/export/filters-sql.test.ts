import { describe, expect, it } from "vitest";
import { compileWhere, exportQuery, SqlParams } from "@/lib/sources/typed/typed-sql";
import { ZExportOptionsSchema } from "@/lib/export/options";
import { planExport } from "@/lib/export/plan";

const dataset = {
  dateColumn: "created_at",
  columns: [
    { key: "name", label: "Name", type: "string" as const, sensitive: false },
    { key: "amount", label: "Amount", type: "number" as const, sensitive: false },
    { key: "created_at", label: "Created", type: "datetime" as const, sensitive: false },
  ],
};
const table = {
  rowsTable: "d7",
  columns: dataset.columns.map((c, position) => ({ key: c.key, type: c.type, position })),
};

function plan(options: unknown) {
  return planExport(ZExportOptionsSchema.parse(options), dataset, { mayIncludeSensitive: false });
}

function where(options: unknown) {
  const params = new SqlParams();
  return { sql: compileWhere(table, plan(options), params), values: params.values };
}

describe("filters compile to typed, parameterised SQL", () => {
  it("never pastes a value into the SQL text", () => {
    const hostile = "x'); DROP TABLE records; --";
    const { sql, values } = where({
      filters: [
        { column: "name", op: "eq", value: hostile },
        { column: "name", op: "contains", value: hostile },
      ],
    });
    expect(sql).not.toContain("DROP");
    expect(sql).not.toContain("'x");
    expect(values).toEqual([hostile, hostile]);
  });

  it("compares typed columns by generated names, with a typed value", () => {
    const { sql, values } = where({ filters: [{ column: "amount", op: "gt", value: 5 }] });
    expect(sql).toBe(`("c1" > $1::numeric)`);
    expect(values).toEqual([5]);
  });

  it("combines with AND or OR and takes the whole end day of a date-time range, in UTC", () => {
    const { sql, values } = where({
      date_range: { start: "2025-01-01", end: "2025-01-31" },
      filters: [
        { column: "name", op: "starts_with", value: "A" },
        { column: "amount", op: "in", value: [1, 2] },
      ],
      filter_mode: "any",
    });
    expect(sql).toBe(
      `"c2" >= $1::timestamptz AND "c2" < (($2::date + 1)::timestamp AT TIME ZONE 'UTC') AND (starts_with(lower("c0"), lower($3::text)) OR "c1" = ANY($4::numeric[]))`,
    );
    expect(values).toEqual(["2025-01-01T00:00:00Z", "2025-01-31", "A", [1, 2]]);
  });

  it("is TRUE without filters", () => {
    expect(where({}).sql).toBe("TRUE");
  });

  it("gives COPY its values as transaction settings read once, never as SQL text", () => {
    const hostile = "O'Brien\"; DROP";
    const query = exportQuery(
      table,
      plan({
        filters: [
          { column: "name", op: "in", value: [hostile, "b"] },
          { column: "amount", op: "gt", value: 5 },
        ],
      }),
      { kind: "csv" },
    );
    expect(query.text).not.toContain("Brien");
    expect(query.text).toContain(`"c0" = ANY((SELECT current_setting('outport.p1')::text[])::text[])`);
    expect(query.text).toContain(`"c1" > (SELECT current_setting('outport.p2')::numeric)`);
    // Date-times leave PostgreSQL in UTC whatever the export's zone: Node applies the zone.
    expect(query.text).toContain(`date_trunc('second', "c2" AT TIME ZONE 'UTC')`);
    expect(query.text).toMatch(/ORDER BY row_id$/);
    expect(query.settings?.values).toEqual([`{"O'Brien\\"; DROP","b"}`, "5"]);
  });

  it("refuses a table name it did not make", () => {
    expect(() => exportQuery({ ...table, rowsTable: 'd1"; DROP' }, plan({}), { kind: "values" })).toThrow(
      /not a rows table name/,
    );
  });
});
