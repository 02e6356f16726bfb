// The audit trail on the seeded test database: GET /api/audit for admins only,
// newest first, every filter, paging, 422 with the field named, nothing in the answer it
// should not carry; and the admin page rendered as HTML. Other test files write audit
// events at the same time: every count here is narrowed to this file's own target type.
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import AuditPage from "@/app/(dashboard)/admin/audit/page";
import { GET } from "@/app/api/audit/route";
import { AUDIT_TARGETS, recordAudit, type AuditInput } from "@/lib/audit/audit";
import { listAuditActors } from "@/lib/audit/list";
import type * as Session from "@/lib/auth/session";
import { inTransaction, pgPool } from "@/lib/data/pg";
import { translate, type Locale, type MessageKey, type MessageParams } from "@/lib/i18n";
import { demoUser, requestAs, routeContext, type DemoWho } from "../helpers/auth";

// The page reads its user and locale from the request: here they are set by the test.
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

const TARGET = "audit_test";

type Item = {
  id: number;
  action: string;
  actor_id: number | null;
  actor_name: string | null;
  actor_email: string | null;
  target_type: string | null;
  target_id: string | null;
  details: unknown;
  ip: string | null;
  created_at: string;
};
type Body = { items: Item[]; total: number; page: number; page_size: number };
type ErrorBody = { detail: string; errors?: Array<{ field: string; message: string }> };

async function get(who: DemoWho | null, params: Record<string, string> = {}, headers: HeadersInit = {}) {
  const search = new URLSearchParams(params).toString();
  return GET(await requestAs(who, `/api/audit${search ? `?${search}` : ""}`, { headers }), routeContext({}));
}

/** This file's events only, as the admin sees them. */
async function list(params: Record<string, string> = {}): Promise<Body> {
  const response = await get("admin", { target_type: TARGET, ...params });
  expect(response.status).toBe(200);
  return (await response.json()) as Body;
}

const ids = (body: Body) => body.items.map((item) => item.target_id);

let users: Record<"admin" | "manager" | "viewer", number>;

// e1 oldest … e9 newest; e8 and e9 share e7's instant, so the id breaks the tie.
const EVENTS: Array<
  { key: string; at: string; who: "admin" | "manager" | "viewer" | null } & Pick<
    AuditInput,
    "action" | "details" | "ip"
  >
> = [
  { key: "e1", at: "2001-01-01T10:00:00.000Z", who: "admin", action: "login_succeeded", ip: "10.0.0.1" },
  {
    key: "e2",
    at: "2001-01-02T00:00:00.000Z",
    who: "manager",
    action: "export_requested",
    details: { format: "csv", delivery: "direct" },
  },
  {
    key: "e3",
    at: "2001-01-02T23:59:59.999Z",
    who: "manager",
    action: "export_completed",
    details: { format: "csv", rows: 3500 },
  },
  { key: "e4", at: "2001-01-03T00:00:00.000Z", who: "viewer", action: "export_denied", details: { reason: "role" } },
  {
    key: "e5",
    at: "2001-01-03T12:00:00.000Z",
    who: null,
    action: "integrity_failure",
    details: { reason: "sha256_mismatch" },
  },
  { key: "e6", at: "2001-01-04T08:00:00.000Z", who: "admin", action: "export_downloaded", ip: "192.0.2.7" },
  { key: "e7", at: "2001-01-05T00:00:00.000Z", who: null, action: "retention_purge", details: { files: 2 } },
  { key: "e8", at: "2001-01-05T00:00:00.000Z", who: "admin", action: "export_deleted" },
  {
    key: "e9",
    at: "2001-01-05T00:00:00.000Z",
    who: "viewer",
    action: "login_failed",
    details: { reason: "bad_credentials" },
  },
];
const NEWEST_FIRST = ["e9", "e8", "e7", "e6", "e5", "e4", "e3", "e2", "e1"];

async function cleanUp() {
  await pgPool().query("DELETE FROM audit_events WHERE target_type = $1", [TARGET]);
}

beforeAll(async () => {
  const [admin, manager, viewer] = await Promise.all([demoUser("admin"), demoUser("manager"), demoUser("viewer")]);
  users = { admin: admin.id, manager: manager.id, viewer: viewer.id };
  await cleanUp();
  // Fixtures under a target type of this file's own (the app's events each have theirs),
  // at instants of their own.
  for (const event of EVENTS) {
    await pgPool().query(
      `INSERT INTO audit_events (action, actor_id, target_type, target_id, details, ip, created_at)
       VALUES ($1::"AuditAction", $2, $3, $4, $5::jsonb, $6, $7)`,
      [
        event.action,
        event.who ? users[event.who] : null,
        TARGET,
        event.key,
        JSON.stringify(event.details ?? {}),
        event.ip ?? null,
        event.at,
      ],
    );
  }
});

afterAll(cleanUp);

describe("GET /api/audit: who may read it", () => {
  it("answers the admin 200, newest first, never cached", async () => {
    const response = await get("admin", { target_type: TARGET });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as Body;
    expect(body.total).toBe(EVENTS.length);
    expect(body.page).toBe(1);
    expect(body.page_size).toBe(50);
    expect(ids(body)).toEqual(NEWEST_FIRST);

    const e6 = body.items.find((item) => item.target_id === "e6");
    expect(e6).toMatchObject({
      action: "export_downloaded",
      actor_id: users.admin,
      actor_name: "Ada Admin",
      actor_email: "admin@outport.local",
      target_type: TARGET,
      ip: "192.0.2.7",
      created_at: "2001-01-04T08:00:00.000Z",
      details: {},
    });
    expect(body.items.find((item) => item.target_id === "e2")?.details).toEqual({ format: "csv", delivery: "direct" });
    // A system event has no actor.
    expect(body.items.find((item) => item.target_id === "e5")).toMatchObject({
      actor_id: null,
      actor_name: null,
      actor_email: null,
    });
  });

  it.each(["manager", "manager2", "viewer"] as const)("answers %s 403", async (who) => {
    const response = await get(who);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ detail: "You don't have permission to do that." });
  });

  it("answers 403 in Korean to a Korean reader", async () => {
    const response = await get("viewer", {}, { "accept-language": "ko-KR,ko;q=0.9" });
    expect(((await response.json()) as ErrorBody).detail).toBe("이 작업을 할 권한이 없습니다.");
  });

  it("answers an anonymous caller 401", async () => {
    const response = await get(null);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: "Sign in to continue." });
  });
});

describe("GET /api/audit: filters", () => {
  it("by actor", async () => {
    expect(ids(await list({ actor: String(users.manager) }))).toEqual(["e3", "e2"]);
    expect(ids(await list({ actor: String(users.viewer) }))).toEqual(["e9", "e4"]);
  });

  it("by action", async () => {
    expect(ids(await list({ action: "export_denied" }))).toEqual(["e4"]);
    expect(ids(await list({ action: "export_failed" }))).toEqual([]);
  });

  it("by target type and target id", async () => {
    const body = await list({ target_id: "e5" });
    expect(body.total).toBe(1);
    expect(body.items[0]).toMatchObject({ action: "integrity_failure", target_type: TARGET, target_id: "e5" });
    // Values are parameters, never SQL.
    expect((await list({ target_id: "e5' OR '1'='1" })).total).toBe(0);
  });

  it("by date: from inclusive, a `to` date through the end of that day", async () => {
    expect(ids(await list({ from: "2001-01-02", to: "2001-01-03" }))).toEqual(["e5", "e4", "e3", "e2"]);
    expect(ids(await list({ from: "2001-01-04" }))).toEqual(["e9", "e8", "e7", "e6"]);
    expect(ids(await list({ to: "2001-01-01" }))).toEqual(["e1"]);
    expect(ids(await list({ from: "2001-01-03", to: "2001-01-03" }))).toEqual(["e5", "e4"]);
  });

  it("by date and time: both ends inclusive; no offset means UTC", async () => {
    expect(ids(await list({ from: "2001-01-02T23:59:59.999Z", to: "2001-01-03T00:00:00Z" }))).toEqual(["e4", "e3"]);
    expect(ids(await list({ from: "2001-01-03T12:00", to: "2001-01-04T08:00" }))).toEqual(["e6", "e5"]);
    expect(ids(await list({ from: "2001-01-03T21:00:00+09:00", to: "2001-01-03T21:00:00+09:00" }))).toEqual(["e5"]);
  });

  it("combined, and empty form fields are no filter", async () => {
    expect(ids(await list({ actor: String(users.admin), from: "2001-01-02", action: "export_downloaded" }))).toEqual([
      "e6",
    ]);
    expect(ids(await list({ actor: "", action: "", target_id: "", from: "", to: " ", page: "" }))).toEqual(
      NEWEST_FIRST,
    );
  });

  it("ignores unknown parameters", async () => {
    expect(ids(await list({ sort: "asc", user: "1", q: "x" }))).toEqual(NEWEST_FIRST);
  });
});

describe("GET /api/audit: paging", () => {
  it("pages with a total", async () => {
    const first = await list({ page_size: "4" });
    expect(first).toMatchObject({ total: 9, page: 1, page_size: 4 });
    expect(ids(first)).toEqual(["e9", "e8", "e7", "e6"]);
    expect(ids(await list({ page_size: "4", page: "2" }))).toEqual(["e5", "e4", "e3", "e2"]);
    expect(ids(await list({ page_size: "4", page: "3" }))).toEqual(["e1"]);
    const past = await list({ page_size: "4", page: "4" });
    expect(past).toMatchObject({ items: [], total: 9, page: 4 });
  });
});

describe("GET /api/audit: invalid input", () => {
  it.each([
    [{ action: "bogus" }, "action"],
    [{ page: "0" }, "page"],
    [{ page: "1.5" }, "page"],
    [{ page_size: "201" }, "page_size"],
    [{ page_size: "0" }, "page_size"],
    [{ actor: "abc" }, "actor"],
    [{ actor: "-3" }, "actor"],
    [{ from: "2001-02-30" }, "from"],
    [{ to: "yesterday" }, "to"],
    [{ to: "2001-01-01T25:00" }, "to"],
    [{ from: "2001-01-05", to: "2001-01-04" }, "to"],
    [{ from: "2001-01-04T10:00:00Z", to: "2001-01-04T09:59:59Z" }, "to"],
    [{ target_type: "x".repeat(51) }, "target_type"],
    [{ target_id: "x".repeat(101) }, "target_id"],
  ])("%o → 422 naming %s", async (params, field) => {
    const response = await get("admin", params);
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorBody;
    expect(body.detail).toBe("Some fields are invalid.");
    expect(body.errors?.map((error) => error.field)).toEqual([field]);
  });

  it("names every bad field at once", async () => {
    const response = await get("admin", { action: "bogus", page: "0", actor: "x" });
    expect(response.status).toBe(422);
    const fields = ((await response.json()) as ErrorBody).errors?.map((error) => error.field).sort();
    expect(fields).toEqual(["action", "actor", "page"]);

    const dates = await get("admin", { action: "bogus", from: "2001-01-05", to: "2001-01-04" });
    expect(((await dates.json()) as ErrorBody).errors?.map((error) => error.field).sort()).toEqual(["action", "to"]);
  });
});

describe("what the answer carries", () => {
  it("never a password hash, even with sign-in events", async () => {
    const { rows } = await pgPool().query<{ password_hash: string }>("SELECT password_hash FROM users");
    // A failed sign-in's reason may be "wrong_password" (other files' events): only this
    // file's events must not mention passwords at all.
    expect((await (await get("admin", { target_type: TARGET })).text()).toLowerCase()).not.toContain("password");
    const everyone: Array<Record<string, string>> = [
      {},
      { action: "login_succeeded" },
      { action: "login_failed" },
      { page_size: "200" },
    ];
    for (const params of everyone) {
      const text = await (await get("admin", params)).text();
      expect(text).not.toMatch(/password_?hash/i);
      expect(text).not.toMatch(/\$2[aby]\$/);
      for (const row of rows) expect(text).not.toContain(row.password_hash);
    }
  });

  it("lists the actors for the filter: id, name and e-mail only", async () => {
    const actors = await listAuditActors();
    expect(actors.map((actor) => actor.id)).toEqual(expect.arrayContaining(Object.values(users)));
    for (const actor of actors) expect(Object.keys(actor).sort()).toEqual(["email", "id", "name"]);
  });
});

describe("the audit page", () => {
  async function render(who: DemoWho, params: Record<string, string>, locale: Locale = "en") {
    Object.assign(pageRequest, { who, locale });
    return renderToStaticMarkup(await AuditPage({ searchParams: Promise.resolve(params) }));
  }
  const rows = (html: string) => html.match(/data-testid="audit-row"/g)?.length ?? 0;

  it("shows the admin the filtered events with pages", async () => {
    const html = await render("admin", { target_type: TARGET, page_size: "4", page: "2" });
    expect(html).toContain('data-testid="audit-table"');
    expect(rows(html)).toBe(4);
    expect(html).toContain("Page 2 of 3");
    expect(html).toContain("Integrity check failed");
    expect(html).toContain("System");
    expect(html).toContain(`href="/admin/audit?target_type=${TARGET}&amp;page_size=4"`); // previous: page 1
    expect(html).toContain(`href="/admin/audit?target_type=${TARGET}&amp;page_size=4&amp;page=3"`);
  });

  it("in Korean, with an empty state", async () => {
    const html = await render("admin", { target_type: TARGET, action: "export_failed" }, "ko");
    expect(html).toContain("감사 로그");
    expect(html).toContain("조건에 맞는 감사 이벤트가 없습니다.");
    expect(html).not.toContain('data-testid="audit-table"');
  });

  it("names refused filters above the unfiltered list", async () => {
    const html = await render("admin", { action: "bogus", from: "2001-01-05", to: "2001-01-04" });
    expect(html).toContain('data-testid="audit-errors"');
    expect(html).toContain("Action: choose an action from the list.");
    expect(html).toContain("To: must not be before From.");
    expect(rows(html)).toBeGreaterThan(0);
  });

  it.each(["manager", "viewer"] as const)("is not found for %s", async (who) => {
    await expect(render(who, {})).rejects.toThrow("NEXT_NOT_FOUND");
  });
});

describe("recordAudit", () => {
  it("gives every action the one target type the registry names", async () => {
    const admin = await demoUser("admin");
    const marker = `record-audit-${Date.now()}`;
    try {
      for (const action of Object.keys(AUDIT_TARGETS) as Array<keyof typeof AUDIT_TARGETS>) {
        await recordAudit({ action, actorId: admin.id, targetId: marker, details: { marker } });
      }
      const { rows } = await pgPool().query<{ action: keyof typeof AUDIT_TARGETS; target_type: string | null }>(
        "SELECT action, target_type FROM audit_events WHERE target_id = $1",
        [marker],
      );
      expect(rows).toHaveLength(Object.keys(AUDIT_TARGETS).length);
      for (const row of rows) expect(row.target_type).toBe(AUDIT_TARGETS[row.action]);
    } finally {
      await pgPool().query("DELETE FROM audit_events WHERE target_id = $1", [marker]);
    }
  });

  it("joins a caller's transaction: rolled back with it, and failing it when it cannot be written", async () => {
    const marker = `audit-tx-${Date.now()}`;
    await expect(
      inTransaction(async (client) => {
        await recordAudit({ action: "export_denied", targetId: marker }, client);
        throw new Error("the work failed");
      }),
    ).rejects.toThrow("the work failed");
    const { rows } = await pgPool().query("SELECT 1 FROM audit_events WHERE target_id = $1", [marker]);
    expect(rows).toHaveLength(0);
    // Inside a transaction a failed write is the transaction's failure, not a log line.
    await expect(
      inTransaction((client) => recordAudit({ action: "export_denied", actorId: -1, targetId: marker }, client)),
    ).rejects.toThrow();
  });
});
