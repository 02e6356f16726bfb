// The audit trail as a reviewer reads it, on the real database: targets by name (a dataset,
// an export, a user, a token; a gone one by its last known name or "(deleted)") resolved in
// the list query, details in words on the page, the typed filters (dataset, actor, action,
// dates) and their 422s, and the CSV export of the filtered trail — every matching event
// once, a header row, formula-safe cells, audited itself, admins only. This file's events
// all have an actor of its own, so other files' events never count here.
import { randomUUID } from "node:crypto";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import AuditPage from "@/app/(dashboard)/admin/audit/page";
import { GET as exportGET, HEAD as exportHEAD } from "@/app/api/audit/export/route";
import { GET } from "@/app/api/audit/route";
import { recordAudit } from "@/lib/audit/audit";
import type { AuditEventJson } from "@/lib/audit/list";
import type * as Session from "@/lib/auth/session";
import { pgPool } from "@/lib/data/pg";
import { translate, type Locale, type MessageKey, type MessageParams } from "@/lib/i18n";
import { demoUser, requestAs, routeContext, type DemoWho } from "../helpers/auth";
import { parseCsv } from "../helpers/csv-parse";

const pageRequest: { who: DemoWho; locale: Locale } = { who: "admin", locale: "en" };
vi.mock("@/lib/auth/session", async (importOriginal) => ({
  ...(await importOriginal<typeof Session>()),
  requirePageUser: async () => demoUser(pageRequest.who),
}));
vi.mock("@/lib/i18n/server", () => ({
  getTranslator: async () => ({
    locale: pageRequest.locale,
    t: (key: MessageKey, params?: MessageParams) => translate(pageRequest.locale, key, params),
  }),
}));
vi.mock("next/navigation", () => ({
  notFound: () => {
    throw new Error("NEXT_NOT_FOUND");
  },
}));

const marker = randomUUID().slice(0, 8);
const LIVE_TITLE = `=HYPERLINK("http://evil.example","Sales ${marker}")`;
const GONE_TITLE = `Gone ${marker}`;
const OLD_TITLE = `Old name ${marker}`;
const TOKEN_NAME = `nightly ${marker}`;
const MISSING_DATASET = 2_147_000_000 + Math.floor(Math.random() * 100_000);

let actor: number;
let other: number;
let live: number;
let gone: number;
let jobId: string;
let tokenId: string;
let manager: Awaited<ReturnType<typeof demoUser>>;

type Body = { items: AuditEventJson[]; total: number };
type ErrorBody = { detail: string; errors?: Array<{ field: string }> };

async function list(who: DemoWho | null, params: Record<string, string>) {
  const search = new URLSearchParams(params).toString();
  return GET(await requestAs(who, `/api/audit?${search}`), routeContext({}));
}

async function listed(params: Record<string, string>): Promise<Body> {
  const response = await list("admin", { actor: String(actor), page_size: "200", ...params });
  expect(response.status).toBe(200);
  return (await response.json()) as Body;
}

async function exported(who: DemoWho | null, params: Record<string, string>) {
  const search = new URLSearchParams(params).toString();
  return exportGET(await requestAs(who, `/api/audit/export?${search}`), routeContext({}));
}

async function insertUser(label: string): Promise<number> {
  const { rows } = await pgPool().query<{ id: number }>(
    `INSERT INTO users (email, name, password_hash, role, updated_at)
     VALUES ($1, $2, '!', 'admin', now()) RETURNING id`,
    [`${label}-${marker}@outport.invalid`, `${label} ${marker}`],
  );
  return rows[0]!.id;
}

async function insertDataset(title: string, deleted: boolean): Promise<number> {
  const { rows } = await pgPool().query<{ id: number }>(
    `INSERT INTO datasets (title, owner_id, updated_at, deleted_at)
     VALUES ($1, $2, now(), ${deleted ? "now()" : "NULL"}) RETURNING id`,
    [title, manager.id],
  );
  return rows[0]!.id;
}

beforeAll(async () => {
  manager = await demoUser("manager");
  actor = await insertUser("Reviewer");
  other = await insertUser("Bystander");
  live = await insertDataset(LIVE_TITLE, false);
  gone = await insertDataset(GONE_TITLE, true);
  jobId = randomUUID();
  await pgPool().query(
    `INSERT INTO export_jobs (id, user_id, dataset_id, format, options, status) VALUES ($1, $2, $3, 'excel', '{}', 'completed')`,
    [jobId, manager.id, live],
  );
  tokenId = randomUUID();
  await pgPool().query(
    `INSERT INTO personal_access_tokens (id, user_id, name, scope, token_hash, hint) VALUES ($1, $2, $3, 'read', $4, 'abc')`,
    [tokenId, manager.id, TOKEN_NAME, `hash-${marker}`],
  );
  const by = { actorId: actor, ip: "192.0.2.10" };
  // Oldest first, each a little later than the one before it.
  await recordAudit({
    ...by,
    action: "export_completed",
    targetId: live,
    details: { format: "csv", delivery: "direct", rows: 3500, bytes: 596596, duration_ms: 1234, skipped: 0 },
  });
  await recordAudit({
    ...by,
    action: "export_downloaded",
    targetId: jobId,
    details: { format: "excel", bytes: 2048, owner_id: manager.id, dataset_id: live },
  });
  await recordAudit({ ...by, action: "dataset_deleted", targetId: gone, details: { title: GONE_TITLE } });
  await recordAudit({ ...by, action: "dataset_created", targetId: MISSING_DATASET, details: { title: OLD_TITLE } });
  await recordAudit({ ...by, action: "dataset_updated", targetId: MISSING_DATASET, details: { changes: {} } });
  await recordAudit({
    ...by,
    action: "user_updated",
    targetId: manager.id,
    details: { email: manager.email, before: { role: "manager" }, after: { role: "viewer" } },
  });
  await recordAudit({
    ...by,
    action: "token_created",
    targetId: tokenId,
    details: { name: TOKEN_NAME, scope: "read" },
  });
  await recordAudit({
    ...by,
    action: "export_failed",
    targetId: live,
    details: { format: "pdf", error: "job.error.unexpected", required: true },
  });
  await recordAudit({ actorId: other, action: "export_requested", targetId: live, details: { format: "json" } });
});

afterAll(async () => {
  await pgPool().query("DELETE FROM audit_events WHERE actor_id = ANY($1) OR details->'filters'->>'actor' = ANY($2)", [
    [actor, other],
    [String(actor), String(other)],
  ]);
  await pgPool().query("DELETE FROM personal_access_tokens WHERE id = $1", [tokenId]);
  await pgPool().query("DELETE FROM export_jobs WHERE id = $1", [jobId]);
  await pgPool().query("DELETE FROM datasets WHERE id = ANY($1)", [[live, gone]]);
  await pgPool().query("DELETE FROM users WHERE id = ANY($1)", [[actor, other]]);
});

const byAction = (body: Body, action: string) => body.items.find((item) => item.action === action);

describe("GET /api/audit: targets by name", () => {
  it("names each target in the list itself, and marks the gone ones", async () => {
    const body = await listed({});
    expect(body.total).toBe(8);
    expect(byAction(body, "export_completed")).toMatchObject({
      actor_name: `Reviewer ${marker}`,
      target_type: "dataset",
      target_name: LIVE_TITLE,
      target_deleted: false,
    });
    expect(byAction(body, "export_downloaded")).toMatchObject({
      target_type: "export_job",
      target_id: jobId,
      target_name: `${LIVE_TITLE} · Excel`,
      target_deleted: false,
      // The ids in its details, by name too.
      detail_names: { owner_id: manager.name, dataset_id: LIVE_TITLE },
    });
    // Soft-deleted: its title stays; hard-gone: the title an earlier event recorded.
    expect(byAction(body, "dataset_deleted")).toMatchObject({ target_name: GONE_TITLE, target_deleted: true });
    expect(byAction(body, "dataset_updated")).toMatchObject({ target_name: OLD_TITLE, target_deleted: true });
    expect(byAction(body, "user_updated")).toMatchObject({ target_name: manager.name, target_deleted: false });
    expect(byAction(body, "token_created")).toMatchObject({ target_name: TOKEN_NAME, target_deleted: false });
  });

  it("keeps a token's name once the token is gone", async () => {
    const id = randomUUID();
    await recordAudit({ actorId: actor, action: "token_revoked", targetId: id, details: { name: "old token" } });
    try {
      const body = await listed({ action: "token_revoked" });
      expect(body.items).toHaveLength(1);
      expect(body.items[0]).toMatchObject({ target_name: "old token", target_deleted: true });
    } finally {
      await pgPool().query("DELETE FROM audit_events WHERE target_id = $1", [id]);
    }
  });
});

describe("GET /api/audit: typed filters", () => {
  it("by dataset: the events about it and about its exports", async () => {
    const body = await listed({ dataset: String(live) });
    expect(body.items.map((item) => item.action)).toEqual(["export_failed", "export_downloaded", "export_completed"]);
    const everyone = await list("admin", { dataset: String(live) });
    expect(((await everyone.json()) as Body).items.map((item) => item.actor_id)).toContain(other);
  });

  it("by action, by actor and by date", async () => {
    expect((await listed({ action: "token_created" })).items.map((item) => item.target_id)).toEqual([tokenId]);
    const bystander = await list("admin", { actor: String(other) });
    expect(((await bystander.json()) as Body).total).toBe(1);
    const today = new Date().toISOString().slice(0, 10);
    expect((await listed({ from: today, to: today })).total).toBe(8);
    expect((await listed({ from: "2000-01-01", to: "2000-01-31" })).total).toBe(0);
  });

  it.each([
    [{ dataset: "abc" }, "dataset"],
    [{ dataset: "0" }, "dataset"],
    [{ actor: "Ada" }, "actor"],
    [{ action: "export" }, "action"],
    [{ from: "2026-02-30" }, "from"],
  ])("%o → 422 naming %s", async (params, field) => {
    const response = await list("admin", params);
    expect(response.status).toBe(422);
    expect(((await response.json()) as ErrorBody).errors?.map((error) => error.field)).toEqual([field]);
  });
});

describe("the audit page", () => {
  async function render(params: Record<string, string>, locale: Locale = "en") {
    Object.assign(pageRequest, { who: "admin", locale });
    return renderToStaticMarkup(await AuditPage({ searchParams: Promise.resolve(params) }));
  }

  it("shows names, links and details in words, never the raw numbers", async () => {
    const html = await render({ actor: String(actor) });
    expect(html).toContain(`href="/datasets/${live}"`);
    expect(html).toContain('href="/export/history"');
    expect(html).toContain('href="/settings/tokens"');
    expect(html).toContain('href="/admin/users"');
    expect(html).not.toContain(`href="/datasets/${gone}"`);
    expect(html).toContain("(deleted)");
    expect(html).toContain("582.6 KB");
    expect(html).toContain("1.2 s");
    expect(html).toContain("3,500");
    expect(html).toContain("Downloaded directly");
    expect(html).toContain("Manager → Viewer");
    expect(html).toMatch(new RegExp(`Owner:</dt><dd[^>]*>${manager.name}</dd>`));
    expect(html).toContain("The export failed unexpectedly.");
    expect(html).toContain("Yes");
    expect(html).not.toContain("596596");
    expect(html).not.toContain("duration_ms");
    expect(html).toContain(`title="Reviewer ${marker} &lt;Reviewer-${marker}@outport.invalid&gt;"`);
  });

  it("offers selects for every filter, the dataset picker with names, and the CSV of the same filters", async () => {
    const html = await render({ actor: String(actor), dataset: String(live) });
    expect(html).not.toMatch(/<input[^>]*name="target_(type|id)"(?![^>]*type="hidden")/);
    expect(html).toMatch(/<select[^>]*name="target_type"/);
    expect(html).toMatch(/<select[^>]*name="dataset"/);
    expect(html).toContain(`<option value="${live}" selected="">`);
    expect(html).toContain(`${GONE_TITLE} (deleted)`);
    expect(html).toContain(`href="/api/audit/export?actor=${actor}&amp;dataset=${live}"`);
    expect(html).toContain("Export CSV");
  });

  it("in Korean", async () => {
    const html = await render({ actor: String(actor) }, "ko");
    expect(html).toContain("CSV로 내보내기");
    expect(html).toContain("(삭제됨)");
    expect(html).toContain("바로 내려받음");
    expect(html).toContain("1.2초");
  });

  it("names a refused dataset filter, never a 500", async () => {
    const html = await render({ dataset: "x" });
    expect(html).toContain('data-testid="audit-errors"');
    expect(html).toContain("Dataset: choose a dataset from the list.");
  });
});

describe("GET /api/audit/export", () => {
  it("streams the filtered trail as CSV, a header row first, formula text neutralised", async () => {
    const response = await exported("admin", { actor: String(actor) });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const day = new Date().toISOString().slice(0, 10);
    expect(response.headers.get("content-disposition")).toContain(`filename="audit-${day}.csv"`);
    const text = (await response.text()).replace(/^\uFEFF/, "");
    const [header, ...rows] = parseCsv(text).filter((row) => row.some((cell) => cell !== ""));
    expect(header).toEqual([
      "Time (UTC)",
      "User",
      "E-mail",
      "Action",
      "Target type",
      "Target ID",
      "Target",
      "Details",
      "IP address",
    ]);
    const listedEvents = (await listed({})).items;
    expect(rows.map((row) => row[5])).toEqual(listedEvents.map((event) => event.target_id));
    const completed = rows.find((row) => row[3] === "Export completed")!;
    expect(completed[1]).toBe(`Reviewer ${marker}`);
    expect(completed[6]).toBe(`'${LIVE_TITLE}`);
    expect(completed[7]).toContain("Size: 582.6 KB");
    expect(completed[7]).toContain("Rows: 3,500");
    expect(rows.find((row) => row[3] === "Dataset deleted")![6]).toBe(`${GONE_TITLE} (deleted)`);
  });

  it("is recorded in the trail with its filters, and never lists itself", async () => {
    const admin = await demoUser("admin");
    const response = await exported("admin", { actor: String(other), action: "export_requested" });
    const rows = parseCsv((await response.text()).replace(/^\uFEFF/, "")).filter((row) => row.length > 1);
    expect(rows).toHaveLength(2);
    const { rows: events } = await pgPool().query<{ actor_id: number; details: { filters: Record<string, unknown> } }>(
      `SELECT actor_id, details FROM audit_events WHERE action = 'audit_exported' AND details->'filters'->>'actor' = $1`,
      [String(other)],
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor_id: admin.id,
      details: { filters: { actor: other, action: "export_requested" } },
    });
    // Shown on the page in words.
    const html = renderToStaticMarkup(
      await AuditPage({ searchParams: Promise.resolve({ actor: String(admin.id), action: "audit_exported" }) }),
    );
    expect(html).toContain("Audit trail exported");
    expect(html).toContain(`actor: ${other}, action: export_requested`);
  });

  it("walks a trail longer than one batch, every event once, newest first", async () => {
    // 1,234 events at one instant: only the id orders them, across batches of 500.
    await pgPool().query(
      `INSERT INTO audit_events (action, actor_id, target_type, target_id, created_at)
       SELECT 'login_succeeded', $1, 'user', g::text, '2001-06-01T00:00:00Z' FROM generate_series(1, 1234) g`,
      [other],
    );
    const response = await exported("admin", { actor: String(other), to: "2001-12-31" });
    const rows = parseCsv((await response.text()).replace(/^\uFEFF/, "")).filter((row) => row.length > 1);
    expect(rows).toHaveLength(1235);
    const ids = rows.slice(1).map((row) => Number(row[5]));
    expect(ids).toEqual(Array.from({ length: 1234 }, (_, i) => 1234 - i));
  });

  it.each([
    [{ dataset: "abc" }, "dataset"],
    [{ from: "2026-02-30" }, "from"],
    [{ from: "2026-12-05", to: "2026-12-01" }, "to"],
  ])("%o → 422 naming %s", async (params, field) => {
    const response = await exported("admin", params);
    expect(response.status).toBe(422);
    expect(((await response.json()) as ErrorBody).errors?.map((error) => error.field)).toEqual([field]);
  });

  it.each(["manager", "viewer"] as const)("answers %s 403, and records nothing", async (who) => {
    const response = await exported(who, { actor: String(actor) });
    expect(response.status).toBe(403);
    const { rows } = await pgPool().query(
      `SELECT 1 FROM audit_events WHERE action = 'audit_exported' AND actor_id = $1`,
      [(await demoUser(who)).id],
    );
    expect(rows).toHaveLength(0);
  });

  it("answers 401 without a session, and 405 to HEAD", async () => {
    expect((await exported(null, {})).status).toBe(401);
    const head = await exportHEAD(await requestAs("admin", "/api/audit/export", { method: "HEAD" }), routeContext({}));
    expect(head.status).toBe(405);
  });
});
