import { describe, expect, it } from "vitest";
import { compileWhere, SqlParams } from "@/lib/sources/records/records-sql";
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

function where(options: unknown) {
  const plan = planExport(ZExportOptionsSchema.parse(options), dataset, { mayIncludeSensitive: false });
  const params = new SqlParams();
  params.add(1); // dataset id, as the real query does
  return { sql: compileWhere(plan, params), values: params.values };
}

describe("filters compile to parameterised SQL", () => {
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
    expect(values).toContain(hostile);
  });

  it("passes column keys as parameters too", () => {
    const { sql, values } = where({ filters: [{ column: "amount", op: "gt", value: 5 }] });
    expect(sql).toBe("((CASE WHEN jsonb_typeof(data->$2) = 'number' THEN (data->>$2)::numeric END) > $3::numeric)");
    expect(values).toEqual([1, "amount", 5]);
  });

  it("combines with AND or OR and takes the whole end day of a date-time range", () => {
    const { sql, values } = where({
      date_range: { start: "2025-01-01", end: "2025-01-31" },
      filters: [
        { column: "name", op: "starts_with", value: "A" },
        { column: "amount", op: "in", value: [1, 2] },
      ],
      filter_mode: "any",
    });
    expect(sql).toBe(
      "(data->>$2) >= $3 AND (data->>$4) < $5 AND (starts_with(lower((data->>$6)), lower($7)) OR (CASE WHEN jsonb_typeof(data->$8) = 'number' THEN (data->>$8)::numeric END) = ANY($9::numeric[]))",
    );
    expect(values).toEqual([1, "created_at", "2025-01-01", "created_at", "2025-02-01", "name", "A", "amount", [1, 2]]);
  });

  it("is TRUE without filters", () => {
    expect(where({}).sql).toBe("TRUE");
  });
});
