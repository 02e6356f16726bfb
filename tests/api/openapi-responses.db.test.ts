// Answers of the real routes, on the real database, against the API document: each status
// is one the document lists for that operation, and each JSON body parses with the schema
// documented for that status (closed: a field the document does not name fails).
import { describe, expect, inject, it } from "vitest";
import { GET as auditExport } from "@/app/api/audit/export/route";
import { GET as audit } from "@/app/api/audit/route";
import { GET as getDataset } from "@/app/api/datasets/[id]/route";
import { GET as getRecords } from "@/app/api/datasets/[id]/records/route";
import { GET as listDatasets } from "@/app/api/datasets/route";
import { POST as exportAsync } from "@/app/api/export/async/route";
import { GET as history } from "@/app/api/export/history/route";
import { GET as exportStatus } from "@/app/api/export/status/[jobId]/route";
import { GET as health } from "@/app/api/health/route";
import { GET as importStatus } from "@/app/api/imports/[jobId]/route";
import { prisma } from "@/lib/data/prisma";
import { requestAs, routeContext } from "../helpers/auth";
import { expectDocumented } from "./openapi-check";

// A database of its own: its export must not meet the rate limits other files spend.
process.env.DATABASE_URL = inject("apiDocDatabaseUrl");

async function datasetId(title: string) {
  return (await prisma().dataset.findFirstOrThrow({ where: { title } })).id;
}

const json = (body: unknown): RequestInit => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "content-type": "application/json" },
});

describe("answers as the API document describes them", () => {
  it("GET /api/health", async () => {
    await expectDocumented(
      await health(new Request("http://127.0.0.1:3000/api/health"), routeContext({})),
      "GET",
      "/api/health",
    );
  });

  it("GET /api/datasets: 200, and 401 without a caller", async () => {
    const ok = await listDatasets(await requestAs("manager", "/api/datasets"), routeContext({}));
    expect(ok.status).toBe(200);
    const body = (await expectDocumented(ok, "GET", "/api/datasets")) as unknown[];
    expect(body.length).toBeGreaterThan(0);
    const anonymous = await listDatasets(await requestAs(null, "/api/datasets"), routeContext({}));
    expect(anonymous.status).toBe(401);
    await expectDocumented(anonymous, "GET", "/api/datasets");
  });

  it("GET /api/datasets/{id}: 200 and 404", async () => {
    const id = String(await datasetId("Q1 Sales"));
    const ok = await getDataset(await requestAs("viewer", `/api/datasets/${id}`), routeContext({ id }));
    expect(ok.status).toBe(200);
    await expectDocumented(ok, "GET", "/api/datasets/{id}");
    const missing = await getDataset(await requestAs("viewer", "/api/datasets/987654"), routeContext({ id: "987654" }));
    expect(missing.status).toBe(404);
    await expectDocumented(missing, "GET", "/api/datasets/{id}");
  });

  it("GET /api/datasets/{id}/records: 200 and a 422 for a bad limit", async () => {
    const id = String(await datasetId("Q1 Sales"));
    const ok = await getRecords(
      await requestAs("manager", `/api/datasets/${id}/records?limit=5`),
      routeContext({ id }),
    );
    expect(ok.status).toBe(200);
    await expectDocumented(ok, "GET", "/api/datasets/{id}/records");
    const bad = await getRecords(
      await requestAs("manager", `/api/datasets/${id}/records?limit=x`),
      routeContext({ id }),
    );
    expect(bad.status).toBe(422);
    const body = (await expectDocumented(bad, "GET", "/api/datasets/{id}/records")) as { errors: unknown[] };
    expect(body.errors.length).toBeGreaterThan(0);
  });

  it("POST /api/export/async: 202, then its status and the history; 422 for a bad body", async () => {
    const accepted = await exportAsync(
      await requestAs("manager", "/api/export/async", json({ dataset_id: await datasetId("Q1 Sales"), format: "csv" })),
      routeContext({}),
    );
    expect(accepted.status).toBe(202);
    const { job_id: jobId } = (await expectDocumented(accepted, "POST", "/api/export/async")) as { job_id: string };

    const status = await exportStatus(
      await requestAs("manager", `/api/export/status/${jobId}`),
      routeContext({ jobId }),
    );
    expect(status.status).toBe(200);
    await expectDocumented(status, "GET", "/api/export/status/{jobId}");
    const elsewhere = await exportStatus(
      await requestAs("manager2", `/api/export/status/${jobId}`),
      routeContext({ jobId }),
    );
    expect(elsewhere.status).toBe(404);
    await expectDocumented(elsewhere, "GET", "/api/export/status/{jobId}");

    const page = await history(await requestAs("manager", "/api/export/history?page_size=5"), routeContext({}));
    expect(page.status).toBe(200);
    const { items } = (await expectDocumented(page, "GET", "/api/export/history")) as { items: unknown[] };
    expect(items.length).toBeGreaterThan(0);

    const bad = await exportAsync(
      await requestAs("manager", "/api/export/async", json({ dataset_id: "x", format: "docx", extra: 1 })),
      routeContext({}),
    );
    expect(bad.status).toBe(422);
    await expectDocumented(bad, "POST", "/api/export/async");
  });

  it("GET /api/imports/{jobId}: 404 for no such job", async () => {
    const jobId = "00000000-0000-4000-8000-000000000000";
    const missing = await importStatus(await requestAs("manager", `/api/imports/${jobId}`), routeContext({ jobId }));
    expect(missing.status).toBe(404);
    await expectDocumented(missing, "GET", "/api/imports/{jobId}");
  });

  it("GET /api/audit: 200 for an admin, 403 for a viewer, 422 for a bad filter", async () => {
    const ok = await audit(await requestAs("admin", "/api/audit?page_size=20"), routeContext({}));
    expect(ok.status).toBe(200);
    const { items } = (await expectDocumented(ok, "GET", "/api/audit")) as { items: unknown[] };
    expect(items.length).toBeGreaterThan(0);
    const forbidden = await audit(await requestAs("viewer", "/api/audit"), routeContext({}));
    expect(forbidden.status).toBe(403);
    await expectDocumented(forbidden, "GET", "/api/audit");
    const bad = await audit(await requestAs("admin", "/api/audit?from=yesterday"), routeContext({}));
    expect(bad.status).toBe(422);
    await expectDocumented(bad, "GET", "/api/audit");
  });

  it("GET /api/audit/export: 200 CSV for an admin, 403 for a manager, 422 for a bad filter", async () => {
    const ok = await auditExport(await requestAs("admin", "/api/audit/export?action=login_failed"), routeContext({}));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/csv/);
    await expectDocumented(ok, "GET", "/api/audit/export");
    await ok.body?.cancel();
    const forbidden = await auditExport(await requestAs("manager", "/api/audit/export"), routeContext({}));
    expect(forbidden.status).toBe(403);
    await expectDocumented(forbidden, "GET", "/api/audit/export");
    const bad = await auditExport(await requestAs("admin", "/api/audit/export?dataset=x"), routeContext({}));
    expect(bad.status).toBe(422);
    await expectDocumented(bad, "GET", "/api/audit/export");
  });
});
