import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { fieldErrorsFromZod } from "@/lib/errors";
import { optionsFromQuery, ZExportOptionsSchema } from "@/lib/export/options";
import { describeFilters, ExportOptionsError, planExport, type DatasetColumnDef } from "@/lib/export/plan";

const dataset = {
  dateColumn: "sale_date",
  columns: [
    { key: "order_id", label: "Order ID", type: "string", sensitive: false },
    { key: "sale_date", label: "Sale date", type: "date", sensitive: false },
    { key: "amount", label: "Amount", type: "number", sensitive: false },
    { key: "quantity", label: "Quantity", type: "integer", sensitive: false },
    { key: "paid", label: "Paid", type: "boolean", sensitive: false },
    { key: "created_at", label: "Created", type: "datetime", sensitive: false },
    { key: "meta", label: "Meta", type: "json", sensitive: false },
    { key: "api_key", label: "API key", type: "string", sensitive: true },
  ] satisfies DatasetColumnDef[],
};

function fieldsOf(input: unknown): Array<{ field: string; message: string }> {
  const result = ZExportOptionsSchema.safeParse(input);
  if (result.success) return [];
  return fieldErrorsFromZod(result.error);
}

function planErrors(input: unknown, mayIncludeSensitive = false) {
  try {
    planExport(ZExportOptionsSchema.parse(input), dataset, { mayIncludeSensitive });
    return [];
  } catch (error) {
    if (error instanceof ExportOptionsError) return error.errors;
    if (error instanceof ZodError) return fieldErrorsFromZod(error);
    throw error;
  }
}

describe("ZExportOptionsSchema", () => {
  it("fills the documented defaults", () => {
    expect(ZExportOptionsSchema.parse({})).toEqual({
      filters: [],
      filter_mode: "all",
      include_sensitive: false,
      include_charts: true,
      delimiter: ",",
      bom: true,
      compression: "none",
      timezone: "UTC",
      landscape: false,
    });
  });

  it.each([
    [{ delimiter: "|" }, "delimiter", "must be one of , ; or tab"],
    [{ bom: "maybe" }, "bom", "must be true or false"],
    [{ compression: "zip" }, "compression", "must be none or gzip"],
    [{ timezone: "Mars/Olympus" }, "timezone", "must be an IANA time zone such as UTC or Asia/Seoul"],
    [{ date_range: { start: "2025-02-30" } }, "date_range.start", "must be a date (YYYY-MM-DD)"],
    [{ date_range: { start: "2025-03-01", end: "2025-01-01" } }, "date_range.end", "must not be before start"],
    [
      { filters: [{ column: "a", op: "like", value: 1 }] },
      "filters.0.op",
      "must be one of eq, ne, lt, lte, gt, gte, in, contains, starts_with, is_null, between",
    ],
    [{ columns: [] }, "columns", "must name at least one column"],
    [{ colums: ["a"] }, "colums", "is not a known option"],
    [{ filter_mode: "some" }, "filter_mode", "must be all or any"],
  ])("refuses %j naming %s", (input, field, message) => {
    expect(fieldsOf(input)).toContainEqual({ field, message });
  });

  it("accepts tab written out, and reads a query string", () => {
    expect(ZExportOptionsSchema.parse({ delimiter: "tab" }).delimiter).toBe("\t");
    const query = new URLSearchParams(
      'columns=order_id,amount&bom=false&start=2025-01-01&end=2025-01-31&filters=[{"column":"amount","op":"lt","value":0}]&delimiter=;',
    );
    expect(ZExportOptionsSchema.parse(optionsFromQuery(query))).toMatchObject({
      columns: ["order_id", "amount"],
      bom: false,
      date_range: { start: "2025-01-01", end: "2025-01-31" },
      filters: [{ column: "amount", op: "lt", value: 0 }],
      delimiter: ";",
    });
  });
});

describe("optionsFromQuery with a date_range that is not an object", () => {
  it.each(["-1", "[1,2]", "null", '"x"'])(
    "leaves date_range=%s for the schema to refuse, with start and end",
    (raw) => {
      const query = new URLSearchParams({ date_range: raw, start: "2025-01-01", end: "2025-03-31" });
      const options = optionsFromQuery(query);
      expect(options.date_range).toEqual(JSON.parse(raw));
      expect(ZExportOptionsSchema.safeParse(options).success).toBe(false);
    },
  );
});

describe("planExport", () => {
  it("exports every column by default, labels as headers, sensitive ones redacted", () => {
    const plan = planExport(ZExportOptionsSchema.parse({}), dataset, { mayIncludeSensitive: false });
    expect(plan.columns.map((c) => c.header)).toEqual(dataset.columns.map((c) => c.label));
    expect(plan.columns.find((c) => c.key === "api_key")).toMatchObject({ redacted: true, type: "string" });
    const admin = planExport(ZExportOptionsSchema.parse({ include_sensitive: true }), dataset, {
      mayIncludeSensitive: true,
    });
    expect(admin.columns.find((c) => c.key === "api_key")?.redacted).toBe(false);
  });

  it("takes a subset in the given order with renames", () => {
    const plan = planExport(
      ZExportOptionsSchema.parse({ columns: ["amount", "order_id"], rename: { amount: "Total €" } }),
      dataset,
      { mayIncludeSensitive: false },
    );
    expect(plan.columns.map((c) => [c.key, c.header])).toEqual([
      ["amount", "Total €"],
      ["order_id", "Order ID"],
    ]);
  });

  it.each([
    [{ columns: ["order_id", "nope"] }, "columns.1", 'unknown column "nope"'],
    [{ columns: ["order_id", "order_id"] }, "columns.1", 'column "order_id" is named twice'],
    [{ rename: { nope: "X" } }, "rename.nope", 'unknown column "nope"'],
    [{ columns: ["order_id"], rename: { amount: "X" } }, "rename.amount", 'column "amount" is not exported'],
    [
      { date_range: { column: "amount", start: "2025-01-01" } },
      "date_range.column",
      '"amount" is not a date or date-time column',
    ],
    [{ filters: [{ column: "nope", op: "eq", value: 1 }] }, "filters.0.column", 'unknown column "nope"'],
    [{ filters: [{ column: "amount", op: "eq", value: "ten" }] }, "filters.0.value", "must be a number"],
    [{ filters: [{ column: "quantity", op: "gt", value: 1.5 }] }, "filters.0.value", "must be a whole number"],
    [
      { filters: [{ column: "amount", op: "contains", value: "1" }] },
      "filters.0.op",
      'contains does not apply to number column "amount"',
    ],
    [
      { filters: [{ column: "paid", op: "lt", value: true }] },
      "filters.0.op",
      'lt does not apply to boolean column "paid"',
    ],
    [
      { filters: [{ column: "meta", op: "eq", value: "x" }] },
      "filters.0.op",
      'eq does not apply to json column "meta"',
    ],
    [
      { filters: [{ column: "sale_date", op: "eq", value: "31/03/2025" }] },
      "filters.0.value",
      "must be a date (YYYY-MM-DD)",
    ],
    [
      { filters: [{ column: "amount", op: "between", value: [5, 1] }] },
      "filters.0.value",
      "the low end must not be above the high end",
    ],
    [
      { filters: [{ column: "amount", op: "between", value: [1] }] },
      "filters.0.value",
      "must be a list of two values [low, high]",
    ],
    [{ filters: [{ column: "amount", op: "in", value: [1, "x"] }] }, "filters.0.value.1", "must be a number"],
    [{ filters: [{ column: "order_id", op: "eq" }] }, "filters.0.value", "is required"],
    [
      { filters: [{ column: "api_key", op: "starts_with", value: "sk-" }] },
      "filters.0.column",
      '"api_key" is sensitive and cannot be filtered on',
    ],
  ])("refuses %j naming %s", (input, field, message) => {
    expect(planErrors(input)).toContainEqual({ field, message });
  });

  it("reports every bad field at once", () => {
    expect(planErrors({ columns: ["x", "y"], filters: [{ column: "z", op: "eq", value: 1 }] })).toHaveLength(3);
  });

  it("takes dates and date-times within years 0001–9999 only, naming the field", () => {
    expect(planErrors({ filters: [{ column: "sale_date", op: "eq", value: "0000-01-01" }] })).toEqual([
      { field: "filters.0.value", message: "must be a date (YYYY-MM-DD)" },
    ]);
    expect(planErrors({ date_range: { start: "0000-12-31" } })).toEqual([
      { field: "date_range.start", message: "must be a date (YYYY-MM-DD)" },
    ]);
    // 23:00 at -05:00 on the last day is already year 10000 in UTC.
    expect(planErrors({ filters: [{ column: "created_at", op: "lt", value: "9999-12-31T23:00:00-05:00" }] })).toEqual([
      { field: "filters.0.value", message: "must be a date-time (ISO 8601, years 0001–9999 in UTC)" },
    ]);
    expect(
      planErrors({ filters: [{ column: "created_at", op: "gte", value: "0001-01-01T00:30:00+01:00" }] }),
    ).toHaveLength(1);
    expect(planErrors({ date_range: { column: "created_at", end: "9999-12-31" } })).toEqual([]);
  });

  it("takes an empty text where it can match (eq finds empty texts) and refuses it where it cannot", () => {
    for (const op of ["contains", "starts_with"]) {
      expect(planErrors({ filters: [{ column: "order_id", op, value: "" }] }), op).toEqual([
        { field: "filters.0.value", message: "must not be empty" },
      ]);
    }
    expect(planErrors({ filters: [{ column: "order_id", op: "eq", value: "" }] })).toEqual([]);
  });

  it("normalises date-time filter values to UTC and describes the filters", () => {
    const plan = planExport(
      ZExportOptionsSchema.parse({
        date_range: { start: "2025-01-01", end: "2025-03-31" },
        filters: [
          { column: "created_at", op: "gte", value: "2025-02-01T09:00:00+09:00" },
          { column: "order_id", op: "in", value: ["A", "B"] },
          { column: "meta", op: "is_null", value: false },
        ],
        filter_mode: "any",
      }),
      dataset,
      { mayIncludeSensitive: false },
    );
    expect(plan.filters[0]).toMatchObject({ op: "gte", value: "2025-02-01T00:00:00Z" });
    expect(plan.dateRange).toEqual({ column: "sale_date", type: "date", start: "2025-01-01", end: "2025-03-31" });
    expect(describeFilters(plan)).toBe(
      "sale_date 2025-01-01 – 2025-03-31; created_at gte 2025-02-01T00:00:00Z OR order_id in (A, B) OR meta is not empty",
    );
  });

  it("refuses a date range over a sensitive column unless its values may be seen", () => {
    const secretDates = {
      dateColumn: "born",
      columns: [...dataset.columns, { key: "born", label: "Born", type: "date" as const, sensitive: true }],
    };
    const refuse = (mayIncludeSensitive: boolean, include_sensitive: boolean) => {
      try {
        planExport(
          ZExportOptionsSchema.parse({ include_sensitive, date_range: { start: "2000-01-01" } }),
          secretDates,
          { mayIncludeSensitive },
        );
        return [];
      } catch (error) {
        if (error instanceof ExportOptionsError) return error.errors;
        throw error;
      }
    };
    const message = { field: "date_range.column", message: '"born" is sensitive and cannot be filtered on' };
    expect(refuse(false, false)).toEqual([message]);
    expect(refuse(true, false)).toEqual([message]);
    expect(refuse(true, true)).toEqual([]);
  });

  it("masks the values of filters on the columns it is told to, for the audit trail", () => {
    const plan = planExport(
      ZExportOptionsSchema.parse({
        include_sensitive: true,
        date_range: { column: "sale_date", start: "2025-01-01" },
        filters: [
          { column: "api_key", op: "eq", value: "sk-live-123" },
          { column: "api_key", op: "in", value: ["sk-a", "sk-b"] },
          { column: "order_id", op: "eq", value: "A-1" },
          { column: "api_key", op: "is_null", value: true },
        ],
      }),
      dataset,
      { mayIncludeSensitive: true },
    );
    const masked = (key: string) => key === "api_key" || key === "sale_date";
    expect(describeFilters(plan, masked)).toBe(
      "sale_date [REDACTED] – …; api_key eq [REDACTED] AND api_key in ([REDACTED]) AND order_id eq A-1 AND api_key is empty",
    );
    expect(describeFilters(plan)).toContain("api_key eq sk-live-123");
  });
});
