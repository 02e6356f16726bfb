// The live record count of the options dialog (GET /api/datasets/{id}/count) and the
// preview of what options export (GET /api/datasets/{id}/records with options). Both go
// through the export's own schema and plan; the expected side is plain SQL on the
// dataset's typed table.
import { describe, expect, it } from "vitest";
import { GET as getCount } from "@/app/api/datasets/[id]/count/route";
import { GET as getRecords } from "@/app/api/datasets/[id]/records/route";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { requestAs, routeContext, type DemoWho } from "../helpers/auth";
import { datasetTable } from "../helpers/dataset-rows";

type Body = Record<string, unknown> & {
  errors?: Array<{ field: string; message: string }>;
  rows: Array<{ id: number; values: Record<string, unknown> }>;
  columns: Array<{ key: string; header: string; redacted: boolean }>;
};

async function datasetId(title: string) {
  return (await prisma().dataset.findFirstOrThrow({ where: { title } })).id;
}

async function call(route: typeof getCount, path: "count" | "records", who: DemoWho | null, id: number, query: string) {
  const response = await route(
    await requestAs(who, `/api/datasets/${id}/${path}?${query}`),
    routeContext({ id: String(id) }),
  );
  return { status: response.status, body: (await response.json()) as Body };
}

const count = async (who: DemoWho | null, title: string, query: string) =>
  call(getCount, "count", who, await datasetId(title), query);
const records = async (who: DemoWho | null, title: string, query: string) =>
  call(getRecords, "records", who, await datasetId(title), query);

/** Rows of Q1 Sales matching a WHERE clause over its typed columns, counted by PostgreSQL. */
async function sqlCount(where: (column: (key: string) => string) => string, values: unknown[] = []) {
  const { table, column } = await datasetTable("Q1 Sales");
  const { rows } = await pgPool().query<{ n: string }>(
    `SELECT count(*) AS n FROM ${table} WHERE ${where(column)}`,
    values,
  );
  return Number(rows[0]?.n);
}

const q = (params: Record<string, unknown>) =>
  new URLSearchParams(
    Object.entries(params).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)] as [string, string]),
  ).toString();

describe("GET /api/datasets/:id/count", () => {
  it("counts the whole dataset without options, for a viewer too", async () => {
    const { status, body } = await count("viewer", "Q1 Sales", "");
    expect(status).toBe(200);
    expect(body).toEqual({ dataset_id: await datasetId("Q1 Sales"), count: 3500, total: 3500 });
  });

  it("counts exactly the rows a filter selects", async () => {
    const expected = await sqlCount((c) => `${c("region")} = 'APAC'`);
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(3500);
    const { status, body } = await count(
      "viewer",
      "Q1 Sales",
      q({ filters: [{ column: "region", op: "eq", value: "APAC" }] }),
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ count: expected, total: 3500 });
  });

  it("counts a date range (the end day included) combined with filters, any or all", async () => {
    const inMarch = await sqlCount((c) => `${c("sale_date")} BETWEEN '2025-03-01' AND '2025-03-31'`);
    const { body } = await count("manager", "Q1 Sales", "start=2025-03-01&end=2025-03-31");
    expect(body.count).toBe(inMarch);

    const either = await sqlCount(
      (c) => `${c("sale_date")} >= '2025-03-01' AND (${c("region")} = 'APAC' OR ${c("paid")} = false)`,
    );
    const { body: any } = await count(
      "manager",
      "Q1 Sales",
      q({
        start: "2025-03-01",
        filter_mode: "any",
        filters: [
          { column: "region", op: "eq", value: "APAC" },
          { column: "paid", op: "eq", value: false },
        ],
      }),
    );
    expect(any.count).toBe(either);
  });

  it("says 0 for options no record matches", async () => {
    const { status, body } = await count(
      "viewer",
      "Q1 Sales",
      q({ filters: [{ column: "order_id", op: "eq", value: "no such order" }] }),
    );
    expect(status).toBe(200);
    expect(body.count).toBe(0);
  });

  it("answers 401 signed out and 404 for a dataset that does not exist", async () => {
    expect((await count(null, "Q1 Sales", "")).status).toBe(401);
    const missing = await call(getCount, "count", "viewer", 987654, "");
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBeTruthy();
  });

  it("refuses sensitive columns to whoever may not see them, as an export does", async () => {
    // Asking for them unredacted: 403, as the export answers.
    expect((await count("manager", "Agent Interactions (confidential)", "include_sensitive=true")).status).toBe(403);
    // A filter on one would tell its values by the count: 422 naming the filter.
    const filtered = await count(
      "viewer",
      "Agent Interactions (confidential)",
      q({ filters: [{ column: "api_key", op: "starts_with", value: "sk-live-" }] }),
    );
    expect(filtered.status).toBe(422);
    expect(filtered.body.errors).toContainEqual({
      field: "filters.0.column",
      message: '"api_key" is sensitive and cannot be filtered on',
    });
    // An admin who asks for them may.
    const admin = await count(
      "admin",
      "Agent Interactions (confidential)",
      q({ include_sensitive: "true", filters: [{ column: "api_key", op: "starts_with", value: "sk-live-" }] }),
    );
    expect(admin.status).toBe(200);
    expect(admin.body.count).toBeGreaterThan(0);
  });

  it.each([
    [q({ filters: [{ column: "nope", op: "eq", value: "x" }] }), "filters.0.column", 'unknown column "nope"'],
    [q({ filters: [{ column: "quantity", op: "eq", value: "many" }] }), "filters.0.value", "must be a whole number"],
    ["start=2025-03-10&end=2025-03-01", "date_range.end", "must not be before start"],
    ["start=2025-02-30", "date_range.start", "must be a date (YYYY-MM-DD)"],
    ["surprise=1", "", ""],
  ])("answers 422 naming the field for %s", async (query, field, message) => {
    const { status, body } = await count("viewer", "Q1 Sales", query);
    expect(status).toBe(422);
    if (field) expect(body.errors).toContainEqual({ field, message });
    // An option the schema does not know is named too.
    else expect(JSON.stringify(body.errors)).toContain("surprise");
  });
});

describe("GET /api/datasets/:id/records with export options", () => {
  it("shows the chosen columns in the chosen order, with their headers", async () => {
    const { status, body } = await records(
      "viewer",
      "Q1 Sales",
      `limit=5&columns=amount,order_id,region&rename=${encodeURIComponent('{"amount":"Total"}')}`,
    );
    expect(status).toBe(200);
    expect(body.columns).toEqual([
      { key: "amount", header: "Total", redacted: false },
      { key: "order_id", header: "Order ID", redacted: false },
      { key: "region", header: "Region", redacted: false },
    ]);
    expect(body.rows).toHaveLength(5);
    for (const row of body.rows) expect(Object.keys(row.values)).toEqual(["amount", "order_id", "region"]);
  });

  it("pages through only the rows the filters and the date range select, counted as such", async () => {
    const query = q({
      start: "2025-02-01",
      end: "2025-02-28",
      filters: [{ column: "region", op: "eq", value: "APAC" }],
    });
    const expected = await sqlCount(
      (c) => `${c("sale_date")} BETWEEN '2025-02-01' AND '2025-02-28' AND ${c("region")} = 'APAC'`,
    );
    const first = await records("viewer", "Q1 Sales", `limit=10&${query}`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: expected, first_position: 1, has_previous: false, has_next: true });
    const second = await records("viewer", "Q1 Sales", `limit=10&after=${first.body.rows.at(-1)?.id}&${query}`);
    expect(second.body).toMatchObject({ first_position: 11, has_previous: true });
    const back = await records("viewer", "Q1 Sales", `limit=10&before=${second.body.rows[0]?.id}&${query}`);
    expect(back.body.rows).toEqual(first.body.rows);
    for (const row of [...first.body.rows, ...second.body.rows]) {
      expect(row.values.region).toBe("APAC");
      expect(String(row.values.sale_date) >= "2025-02-01" && String(row.values.sale_date) <= "2025-02-28").toBe(true);
    }
  });

  it("shows no rows when nothing matches", async () => {
    const { status, body } = await records(
      "viewer",
      "Q1 Sales",
      q({ filters: [{ column: "order_id", op: "eq", value: "no such order" }] }),
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: 0, rows: [], has_next: false });
  });

  it("redacts sensitive columns as the export does: for an admin too unless asked for", async () => {
    const plain = await records("admin", "Agent Interactions (confidential)", "limit=3&columns=interaction_id,api_key");
    expect(plain.body.columns).toContainEqual({ key: "api_key", header: "API key", redacted: true });
    for (const row of plain.body.rows) expect(row.values.api_key).toBe("[REDACTED]");
    const asked = await records(
      "admin",
      "Agent Interactions (confidential)",
      "limit=3&columns=interaction_id,api_key&include_sensitive=true",
    );
    expect(String(asked.body.rows[0]?.values.api_key)).toMatch(/^sk-live-/);
    const manager = await records(
      "manager",
      "Agent Interactions (confidential)",
      "limit=3&columns=interaction_id,api_key&include_sensitive=true",
    );
    expect(manager.status).toBe(403);
    expect(JSON.stringify(manager.body)).not.toContain("sk-live-");
  });

  it("answers 422 naming the option that does not fit the dataset", async () => {
    const { status, body } = await records("viewer", "Q1 Sales", "columns=order_id,nope");
    expect(status).toBe(422);
    expect(body.errors).toContainEqual({ field: "columns.1", message: 'unknown column "nope"' });
  });
});
