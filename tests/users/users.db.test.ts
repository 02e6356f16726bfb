// User management on a real PostgreSQL, through the real route handlers: who may use it,
// creating accounts (a one-time password or one set), refusals (a taken e-mail, bad input,
// unknown ids), the last active admin kept (also against two demotions at once), a change
// seen on the user's next request with a session and with a token (a demoted user's export
// refused), and the audit trail.
import { afterEach, describe, expect, inject, it } from "vitest";
import { GET as me } from "@/app/api/me/route";
import { GET as exportGet } from "@/app/api/export/[format]/[datasetId]/route";
import { POST as resetRoute } from "@/app/api/users/[id]/password/route";
import { PATCH as patchRoute } from "@/app/api/users/[id]/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/users/route";
import { verifyPassword } from "@/lib/auth/password";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { createToken, resetTokenUseCache } from "@/lib/tokens/tokens";
import { updateUser } from "@/lib/users/manage-users";
import { expectDocumented } from "../api/openapi-check";
import { demoUser, requestAs, routeContext, sessionCookie, type DemoWho } from "../helpers/auth";

// A database of its own: these tests create, demote and deactivate users.
process.env.DATABASE_URL = inject("usersDatabaseUrl");

const APP = "http://127.0.0.1:3000";

type User = {
  id: number;
  email: string;
  name: string;
  role: "admin" | "manager" | "viewer";
  active: boolean;
  must_change_password: boolean;
  last_sign_in_at: string | null;
  datasets: number;
  exports: number;
};
type WithPassword = { user: User; password: string | null };
type ErrorBody = { detail: string; errors?: { field: string; message: string }[] };

const json = (method: string, body: unknown): RequestInit => ({
  method,
  body: JSON.stringify(body),
  headers: { "content-type": "application/json" },
});

async function list(who: DemoWho | null): Promise<Response> {
  return listRoute(await requestAs(who, "/api/users"), routeContext({}));
}

async function create(who: DemoWho | null, body: unknown): Promise<Response> {
  return createRoute(await requestAs(who, "/api/users", json("POST", body)), routeContext({}));
}

async function patch(who: DemoWho | null, id: number | string, body: unknown): Promise<Response> {
  return patchRoute(await requestAs(who, `/api/users/${id}`, json("PATCH", body)), routeContext({ id: String(id) }));
}

async function reset(who: DemoWho | null, id: number | string, body: unknown = {}): Promise<Response> {
  return resetRoute(
    await requestAs(who, `/api/users/${id}/password`, json("POST", body)),
    routeContext({ id: String(id) }),
  );
}

let counter = 0;
async function newUser(role: "admin" | "manager" | "viewer", password = "a long enough password"): Promise<User> {
  counter += 1;
  const response = await create("admin", {
    email: `person${counter}@example.com`,
    name: `Person ${counter}`,
    role,
    password,
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as WithPassword).user;
}

async function meWithCookie(userId: number): Promise<Response> {
  const req = new Request(new URL("/api/me", APP), { headers: { cookie: await sessionCookie(userId) } });
  return me(req, routeContext({}));
}

async function meWithToken(token: string): Promise<Response> {
  const req = new Request(new URL("/api/me", APP), { headers: { authorization: `Bearer ${token}` } });
  return me(req, routeContext({}));
}

async function auditOf(action: string, targetId: number) {
  const { rows } = await pgPool().query<{ actor_id: number; target_type: string; details: Record<string, unknown> }>(
    `SELECT actor_id, target_type, details FROM audit_events WHERE action = $1::"AuditAction" AND target_id = $2
      ORDER BY id`,
    [action, String(targetId)],
  );
  return rows;
}

afterEach(async () => {
  resetTokenUseCache();
  // Whatever a test did, the demo admin is the only admin again and everyone is active.
  const admin = await demoUser("admin");
  await pgPool().query(`UPDATE users SET role = 'admin', active = true WHERE id = $1`, [admin.id]);
  await pgPool().query(`UPDATE users SET role = 'viewer' WHERE role = 'admin' AND id <> $1`, [admin.id]);
});

describe("who may manage users", () => {
  it("answers admins; managers and viewers 403; anonymous 401", async () => {
    const viewer = await demoUser("viewer");
    for (const who of ["manager", "viewer"] as const) {
      expect((await list(who)).status).toBe(403);
      expect((await create(who, { email: "x@example.com", name: "X", role: "viewer" })).status).toBe(403);
      expect((await patch(who, viewer.id, { name: "Y" })).status).toBe(403);
      expect((await reset(who, viewer.id)).status).toBe(403);
    }
    expect((await list(null)).status).toBe(401);
    expect((await create(null, { email: "x@example.com", name: "X", role: "viewer" })).status).toBe(401);
    expect((await patch(null, viewer.id, { name: "Y" })).status).toBe(401);
    expect((await reset(null, viewer.id)).status).toBe(401);
    expect(await prisma().user.count({ where: { email: "x@example.com" } })).toBe(0);
  });

  it("lists everyone with their last sign-in, datasets and exports", async () => {
    const manager = await demoUser("manager");
    await pgPool().query(
      `INSERT INTO audit_events (action, actor_id, target_type, target_id, details)
       VALUES ('login_succeeded', $1, 'user', $2, '{}')`,
      [manager.id, String(manager.id)],
    );
    const response = await list("admin");
    expect(response.status).toBe(200);
    const users = (await response.json()) as User[];
    const row = users.find((user) => user.id === manager.id);
    expect(row).toMatchObject({ email: manager.email, name: manager.name, role: "manager", active: true });
    expect(row?.last_sign_in_at).not.toBeNull();
    const datasets = await prisma().dataset.count({ where: { ownerId: manager.id, deletedAt: null } });
    const exports = await prisma().exportJob.count({ where: { userId: manager.id } });
    expect(row?.datasets).toBe(datasets);
    expect(row?.exports).toBe(exports);
    expect(datasets).toBeGreaterThan(0);
  });
});

describe("creating users", () => {
  it("with a one-time password: answered once, verifies, must be changed", async () => {
    const response = await create("admin", { email: " New.Person@Example.com ", name: "New Person", role: "manager" });
    expect(response.status).toBe(201);
    const body = (await response.json()) as WithPassword;
    expect(body.password).toEqual(expect.any(String));
    expect(body.user).toMatchObject({
      email: "new.person@example.com",
      role: "manager",
      active: true,
      must_change_password: true,
      last_sign_in_at: null,
      datasets: 0,
      exports: 0,
    });
    const stored = await prisma().user.findUniqueOrThrow({ where: { id: body.user.id } });
    expect(await verifyPassword(body.password ?? "", stored.passwordHash)).toBe(true);
    expect(stored.mustChangePassword).toBe(true);
    // Until it is changed, the API refuses the account.
    expect((await meWithCookie(stored.id)).status).toBe(403);
    // Never listed again.
    expect(JSON.stringify(await (await list("admin")).json())).not.toContain(body.password);

    const [event] = await auditOf("user_created", body.user.id);
    expect(event?.target_type).toBe("user");
    expect(event?.actor_id).toBe((await demoUser("admin")).id);
    expect(event?.details).toMatchObject({ email: "new.person@example.com", role: "manager", one_time_password: true });
    expect(JSON.stringify(event?.details)).not.toContain(body.password);
  });

  it("with a password set: none answered, no change required", async () => {
    const response = await create("admin", {
      email: "set.password@example.com",
      name: "Set",
      role: "viewer",
      password: "correct horse battery",
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as WithPassword;
    expect(body.password).toBeNull();
    expect(body.user.must_change_password).toBe(false);
    const stored = await prisma().user.findUniqueOrThrow({ where: { id: body.user.id } });
    expect(await verifyPassword("correct horse battery", stored.passwordHash)).toBe(true);
    expect((await meWithCookie(stored.id)).status).toBe(200);
  });

  it("a taken e-mail is a 409 naming email", async () => {
    const response = await create("admin", { email: "MANAGER@outport.local", name: "Again", role: "viewer" });
    expect(response.status).toBe(409);
    const body = (await response.json()) as ErrorBody;
    expect(body.errors?.map((error) => error.field)).toEqual(["email"]);
  });

  it("bad input is a 422 naming each field", async () => {
    const cases: [unknown, string][] = [
      [{ email: "not an e-mail", name: "X", role: "viewer" }, "email"],
      [{ email: "a@example.com", name: "  ", role: "viewer" }, "name"],
      [{ email: "a@example.com", name: "X", role: "owner" }, "role"],
      [{ email: "a@example.com", name: "X", role: "viewer", password: "short" }, "password"],
      [{ email: "a@example.com", name: "X", role: "viewer", admin: true }, "admin"],
    ];
    for (const [input, field] of cases) {
      const response = await create("admin", input);
      expect(response.status).toBe(422);
      const body = (await response.json()) as ErrorBody;
      expect(body.errors?.map((error) => error.field)).toContain(field);
    }
    expect(await prisma().user.count({ where: { email: "a@example.com" } })).toBe(0);
  });
});

describe("changing users", () => {
  it("changes name and role, audited before → after (changed fields only)", async () => {
    const user = await newUser("viewer");
    const response = await patch("admin", user.id, { name: "Renamed", role: "manager", active: true });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: user.id, name: "Renamed", role: "manager", active: true });
    const [event] = await auditOf("user_updated", user.id);
    expect(event?.details).toMatchObject({
      before: { name: user.name, role: "viewer" },
      after: { name: "Renamed", role: "manager" },
    });
    expect(event?.details.before).not.toHaveProperty("active");
    expect(await auditOf("user_deactivated", user.id)).toHaveLength(0);
  });

  it("refuses an empty change, unknown fields and ids that are not a user", async () => {
    const user = await newUser("viewer");
    const empty = await patch("admin", user.id, {});
    expect(empty.status).toBe(422);
    expect(((await empty.json()) as ErrorBody).errors?.[0]?.field).toBe("(body)");
    const unknown = await patch("admin", user.id, { email: "x@example.com" });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as ErrorBody).errors?.map((error) => error.field)).toContain("email");
    expect(((await (await patch("admin", user.id, { active: "no" })).json()) as ErrorBody).errors?.[0]?.field).toBe(
      "active",
    );
    for (const id of ["abc", "0", "-1", "1.5", "99999999"]) {
      expect((await patch("admin", id, { name: "X" })).status).toBe(404);
      expect((await reset("admin", id)).status).toBe(404);
    }
  });

  it("the last active admin can be neither demoted nor deactivated (409)", async () => {
    const admin = await demoUser("admin");
    for (const change of [{ role: "manager" }, { role: "viewer" }, { active: false }]) {
      const response = await patch("admin", admin.id, change);
      expect(response.status).toBe(409);
      expect(((await response.json()) as ErrorBody).detail).toMatch(/last active administrator/);
    }
    expect(await prisma().user.findUniqueOrThrow({ where: { id: admin.id } })).toMatchObject({
      role: "admin",
      active: true,
    });
    // With another active admin, it can; an inactive admin does not count.
    const other = await newUser("admin");
    expect((await patch("admin", other.id, { active: false })).status).toBe(200);
    expect((await patch("admin", admin.id, { role: "manager" })).status).toBe(409);
    expect((await patch("admin", other.id, { active: true })).status).toBe(200);
    expect((await patch("admin", other.id, { role: "viewer" })).status).toBe(200);
  });

  it("two demotions of the last two admins at once leave one admin", async () => {
    // Through the use case: over HTTP the first change to commit could also make the other
    // request's caller no admin (403) before it reaches the check.
    const admin = await demoUser("admin");
    const other = await newUser("admin");
    for (let round = 0; round < 6; round += 1) {
      await pgPool().query(`UPDATE users SET role = 'admin', active = true WHERE id = ANY($1)`, [[admin.id, other.id]]);
      const outcomes = await Promise.allSettled([
        updateUser(admin, String(other.id), round % 2 ? { active: false } : { role: "manager" }),
        updateUser(other, String(admin.id), { role: "viewer" }),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
      const refused = outcomes.find((outcome) => outcome.status === "rejected");
      expect(refused?.reason).toMatchObject({ code: "conflict", messageKey: "error.user.lastAdmin" });
      const { rows } = await pgPool().query<{ n: number }>(
        `SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND active`,
      );
      expect(rows[0]?.n).toBe(1);
    }
  });

  it("an admin demoted by another is refused on their next request (403)", async () => {
    const other = await newUser("admin");
    const admin = await demoUser("admin");
    const cookie = await sessionCookie(other.id);
    const asOther = (id: number, body: unknown) =>
      patchRoute(
        new Request(new URL(`/api/users/${id}`, APP), {
          ...json("PATCH", body),
          headers: { cookie, "content-type": "application/json" },
        }),
        routeContext({ id: String(id) }),
      );
    expect((await patch("admin", other.id, { role: "manager" })).status).toBe(200);
    expect((await asOther(admin.id, { role: "viewer" })).status).toBe(403);
  });
});

describe("a change takes effect on the user's next request", () => {
  it("a deactivated user's session and token are refused; reactivated, accepted again", async () => {
    const user = await newUser("manager");
    const token = await createToken(
      { id: user.id, email: user.email, name: user.name, role: "manager", credential: { kind: "session" } },
      { name: "script", scope: "export" },
    );
    expect((await meWithCookie(user.id)).status).toBe(200);
    expect((await meWithToken(token.token)).status).toBe(200);

    const response = await patch("admin", user.id, { active: false });
    expect(response.status).toBe(200);
    expect(((await response.json()) as User).active).toBe(false);
    expect((await meWithCookie(user.id)).status).toBe(401);
    expect((await meWithToken(token.token)).status).toBe(401);

    const [updated] = await auditOf("user_updated", user.id);
    expect(updated?.details).toMatchObject({ before: { active: true }, after: { active: false } });
    expect(await auditOf("user_deactivated", user.id)).toHaveLength(1);

    expect((await patch("admin", user.id, { active: true })).status).toBe(200);
    expect((await meWithCookie(user.id)).status).toBe(200);
    expect((await meWithToken(token.token)).status).toBe(200);
    expect(await auditOf("user_deactivated", user.id)).toHaveLength(1);
  });

  it("a role change is seen at once, with the session and with a token", async () => {
    const user = await newUser("admin");
    const token = await createToken(
      { id: user.id, email: user.email, name: user.name, role: "admin", credential: { kind: "session" } },
      { name: "script", scope: "export" },
    );
    const cookie = await sessionCookie(user.id);
    const asUser = (init: RequestInit = {}) =>
      listRoute(new Request(new URL("/api/users", APP), { ...init, headers: { cookie } }), routeContext({}));
    const asToken = () =>
      listRoute(
        new Request(new URL("/api/users", APP), { headers: { authorization: `Bearer ${token.token}` } }),
        routeContext({}),
      );
    expect((await asUser()).status).toBe(200);
    expect((await asToken()).status).toBe(200);

    expect((await patch("admin", user.id, { role: "viewer" })).status).toBe(200);
    expect((await asUser()).status).toBe(403);
    expect((await asToken()).status).toBe(403);
    expect(((await (await meWithCookie(user.id)).json()) as { role: string }).role).toBe("viewer");
    expect(((await (await meWithToken(token.token)).json()) as { role: string }).role).toBe("viewer");
  });
});

describe("a demotion refuses the next export", () => {
  it("an admin made viewer: the export route answers 403 to their session and their token", async () => {
    const user = await newUser("admin");
    const token = await createToken(
      { id: user.id, email: user.email, name: user.name, role: "admin", credential: { kind: "session" } },
      { name: "script", scope: "export" },
    );
    const dataset = await prisma().dataset.findFirstOrThrow({ where: { title: "Q1 Sales" } });
    const cookie = await sessionCookie(user.id);
    const csv = (headers: Record<string, string>) =>
      exportGet(
        new Request(new URL(`/api/export/csv/${dataset.id}`, APP), { headers }),
        routeContext({ format: "csv", datasetId: String(dataset.id) }),
      );
    const before = await csv({ cookie });
    expect(before.status).toBe(200);
    await before.body?.cancel();

    expect((await patch("admin", user.id, { role: "viewer" })).status).toBe(200);
    expect((await csv({ cookie })).status).toBe(403);
    expect((await csv({ authorization: `Bearer ${token.token}` })).status).toBe(403);
  });
});

describe("resetting a password", () => {
  it("to a one-time password (must change) or to one given (need not)", async () => {
    const user = await newUser("viewer", "the first password");
    const generated = await reset("admin", user.id);
    expect(generated.status).toBe(200);
    const body = (await generated.json()) as WithPassword;
    expect(body.password).toEqual(expect.any(String));
    expect(body.user.must_change_password).toBe(true);
    let stored = await prisma().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(body.password ?? "", stored.passwordHash)).toBe(true);
    expect(await verifyPassword("the first password", stored.passwordHash)).toBe(false);
    expect((await meWithCookie(user.id)).status).toBe(403);

    const given = await reset("admin", user.id, { password: "an admin's chosen one" });
    expect(given.status).toBe(200);
    const givenBody = (await given.json()) as WithPassword;
    expect(givenBody.password).toBeNull();
    expect(givenBody.user.must_change_password).toBe(false);
    stored = await prisma().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword("an admin's chosen one", stored.passwordHash)).toBe(true);
    expect((await meWithCookie(user.id)).status).toBe(200);

    const short = await reset("admin", user.id, { password: "short" });
    expect(short.status).toBe(422);
    expect(((await short.json()) as ErrorBody).errors?.[0]?.field).toBe("password");

    const events = await auditOf("password_reset", user.id);
    expect(events.map((event) => event.details.one_time_password)).toEqual([true, false]);
    expect(JSON.stringify(events)).not.toContain(body.password);
  });
});

describe("answers as the API document describes them", () => {
  it("GET and POST /api/users, PATCH /api/users/{id}, POST /api/users/{id}/password", async () => {
    const checks: [Response, string, string][] = [
      [await list("admin"), "GET", "/api/users"],
      [await list("viewer"), "GET", "/api/users"],
      [await list(null), "GET", "/api/users"],
      [await create("admin", { email: "documented@example.com", name: "Doc", role: "viewer" }), "POST", "/api/users"],
      [await create("admin", { email: "documented@example.com", name: "Doc", role: "viewer" }), "POST", "/api/users"],
      [await create("admin", { email: "nope", name: "Doc", role: "viewer" }), "POST", "/api/users"],
    ];
    const user = await prisma().user.findUniqueOrThrow({ where: { email: "documented@example.com" } });
    const admin = await demoUser("admin");
    checks.push(
      [await patch("admin", user.id, { role: "manager" }), "PATCH", "/api/users/{id}"],
      [await patch("admin", 987654, { role: "manager" }), "PATCH", "/api/users/{id}"],
      [await patch("admin", admin.id, { active: false }), "PATCH", "/api/users/{id}"],
      [await patch("admin", user.id, {}), "PATCH", "/api/users/{id}"],
      [await reset("admin", user.id), "POST", "/api/users/{id}/password"],
      [await reset("admin", user.id, { password: "a password set by the admin" }), "POST", "/api/users/{id}/password"],
      [await reset("admin", 987654), "POST", "/api/users/{id}/password"],
      [await reset("admin", user.id, { password: "x" }), "POST", "/api/users/{id}/password"],
    );
    expect(checks.map(([response]) => response.status)).toEqual([
      200, 403, 401, 201, 409, 422, 200, 404, 409, 422, 200, 200, 404, 422,
    ]);
    for (const [response, method, path] of checks) await expectDocumented(response, method, path);
  });
});
