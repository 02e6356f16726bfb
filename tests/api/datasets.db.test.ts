import { describe, expect, it } from "vitest";
import { GET as getDataset } from "@/app/api/datasets/[id]/route";
import { GET as getRecords } from "@/app/api/datasets/[id]/records/route";
import { GET as listDatasets } from "@/app/api/datasets/route";
import { prisma } from "@/lib/data/prisma";
import { demoUser, requestAs, routeContext, sessionCookie, type DemoWho } from "../helpers/auth";
import { datasetTable } from "../helpers/dataset-rows";

type DatasetBody = {
  id: number;
  title: string;
  owner_id: number;
  owner_email: string;
  record_count: number;
  columns: Array<{ key: string; label: string; type: string; sensitive: boolean }>;
  can_export: boolean;
  export_denied_reason: string | null;
};

async function list(who: DemoWho | null) {
  return listDatasets(await requestAs(who, "/api/datasets"), routeContext({}));
}

async function datasetId(title: string) {
  return (await prisma().dataset.findFirstOrThrow({ where: { title } })).id;
}

describe("GET /api/datasets", () => {
  it("answers 401 JSON to an anonymous caller", async () => {
    const response = await list(null);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: "Sign in to continue." });
  });

  it("answers 401 to a forged or expired session and to a deactivated user", async () => {
    const url = "http://127.0.0.1:3000/api/datasets";
    const forged = new Request(url, { headers: { cookie: "next-auth.session-token=not-a-jwt" } });
    expect((await listDatasets(forged, routeContext({}))).status).toBe(401);
    const ghost = new Request(url, { headers: { cookie: await sessionCookie(987654) } });
    expect((await listDatasets(ghost, routeContext({}))).status).toBe(401);

    const inactive = await prisma().user.create({
      data: { email: "gone@outport.local", name: "Gone", role: "admin", passwordHash: "x", active: false },
    });
    try {
      const request = new Request(url, { headers: { cookie: await sessionCookie(inactive.id) } });
      expect((await listDatasets(request, routeContext({}))).status).toBe(401);
    } finally {
      await prisma().user.delete({ where: { id: inactive.id } });
    }
  });

  it("lists the six datasets in the API's shape", async () => {
    const response = await list("viewer");
    expect(response.status).toBe(200);
    const body = (await response.json()) as DatasetBody[];
    expect(body).toHaveLength(6);
    const sales = body.find((d) => d.title === "Q1 Sales");
    const manager = await demoUser("manager");
    expect(sales).toMatchObject({ owner_id: manager.id, owner_email: "manager@outport.local", record_count: 3500 });
    expect(sales?.columns[0]).toEqual({ key: "order_id", label: "Order ID", type: "string", sensitive: false });
    expect(Object.keys(sales ?? {})).toEqual(
      expect.arrayContaining(["id", "title", "owner_id", "owner_email", "record_count", "columns", "can_export"]),
    );
  });

  it.each([
    [
      "admin",
      [
        "Q1 Sales",
        "Student Enrollment 2024",
        "Course Evaluations",
        "All Students 2024-2025",
        "Evaluation Results",
        "Agent Interactions (confidential)",
      ],
    ],
    ["manager", ["Q1 Sales", "Student Enrollment 2024", "Course Evaluations"]],
    ["manager2", []],
    ["viewer", []],
  ] as const)("can_export for %s", async (who, exportable) => {
    const body = (await (await list(who)).json()) as DatasetBody[];
    expect(
      body
        .filter((d) => d.can_export)
        .map((d) => d.title)
        .sort(),
    ).toEqual([...exportable].sort());
    for (const dataset of body.filter((d) => !d.can_export)) {
      expect(dataset.export_denied_reason).toBe(who === "viewer" ? "role" : "not_owner");
    }
  });
});

describe("GET /api/datasets/:id", () => {
  it("returns one dataset with the caller's can_export", async () => {
    const id = await datasetId("Course Evaluations");
    const asManager = await getDataset(
      await requestAs("manager", `/api/datasets/${id}`),
      routeContext({ id: String(id) }),
    );
    expect(asManager.status).toBe(200);
    expect(await asManager.json()).toMatchObject({
      id,
      title: "Course Evaluations",
      record_count: 1200,
      can_export: true,
    });
    const asViewer = await getDataset(
      await requestAs("viewer", `/api/datasets/${id}`),
      routeContext({ id: String(id) }),
    );
    expect(await asViewer.json()).toMatchObject({ can_export: false, export_denied_reason: "role" });
  });

  it.each(["999999", "abc", "0", "-1", "1.5", "1e3"])("answers 404 for id %s", async (id) => {
    const response = await getDataset(await requestAs("admin", `/api/datasets/${id}`), routeContext({ id }));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ detail: "Dataset not found." });
  });

  it("answers 401 without a session", async () => {
    const response = await getDataset(await requestAs(null, "/api/datasets/1"), routeContext({ id: "1" }));
    expect(response.status).toBe(401);
  });
});

describe("GET /api/datasets/:id/records", () => {
  async function page(who: DemoWho, title: string, query: string) {
    const id = await datasetId(title);
    const response = await getRecords(
      await requestAs(who, `/api/datasets/${id}/records?${query}`),
      routeContext({ id: String(id) }),
    );
    return {
      response,
      body: (await response.json()) as Record<string, unknown> & {
        rows: Array<{ id: number; values: Record<string, unknown> }>;
      },
    };
  }

  it("pages forward and back with keyset cursors", async () => {
    const first = await page("viewer", "Q1 Sales", "limit=10");
    expect(first.body).toMatchObject({ total: 3500, first_position: 1, has_previous: false, has_next: true });
    expect(first.body.rows.map((r) => r.values.order_id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `SO-2025-${String(i + 1).padStart(5, "0")}`),
    );
    const second = await page("viewer", "Q1 Sales", `limit=10&after=${first.body.rows.at(-1)?.id}`);
    expect(second.body).toMatchObject({ first_position: 11, has_previous: true, has_next: true });
    expect(second.body.rows[0]?.values.order_id).toBe("SO-2025-00011");
    const back = await page("viewer", "Q1 Sales", `limit=10&before=${second.body.rows[0]?.id}`);
    expect(back.body.rows).toEqual(first.body.rows);
  });

  it("reports the last page", async () => {
    const { table } = await datasetTable("Course Evaluations");
    const { rows } = await import("@/lib/data/pg").then(({ pgPool }) =>
      pgPool().query<{ id: string }>(`SELECT row_id AS id FROM ${table} ORDER BY row_id DESC OFFSET 3 LIMIT 1`),
    );
    const last = await page("viewer", "Course Evaluations", `limit=10&after=${rows[0]?.id}`);
    expect(last.body).toMatchObject({ first_position: 1198, has_next: false, has_previous: true });
    expect(last.body.rows).toHaveLength(3);
  });

  it("redacts sensitive columns for everyone but admins", async () => {
    const asManager = await page("manager", "Agent Interactions (confidential)", "limit=5");
    for (const row of asManager.body.rows) {
      expect(row.values.api_key).toBe("[REDACTED]");
      expect(row.values.session_token).toBe("[REDACTED]");
    }
    expect(JSON.stringify(asManager.body)).not.toContain("sk-live-");
    const asAdmin = await page("admin", "Agent Interactions (confidential)", "limit=5");
    expect(String(asAdmin.body.rows[0]?.values.api_key)).toMatch(/^sk-live-/);
  });

  it.each([
    ["limit=0", "limit", "must be at least 1"],
    ["limit=500", "limit", "must be at most 200"],
    ["limit=abc", "limit", "must be a whole number"],
    ["limit=2.5", "limit", "must be a whole number"],
    ["after=-4", "after", "must be at least 1"],
    ["after=1&before=5", "before", "Give either after or before, not both"],
  ])("answers 422 naming the field and the reason for %s", async (query, field, message) => {
    const { response, body } = await page("viewer", "Q1 Sales", query);
    expect(response.status).toBe(422);
    expect(body.errors).toContainEqual({ field, message });
  });
});
