// Personal access tokens on a real PostgreSQL, through the real route handlers: create,
// list, revoke; a bearer token on every kind of route (a list, an export, its status and
// history, a download); scopes; every bad token a 401 with its challenge; the secret kept
// only as its hash and never answered again nor audited; limits shared with the session.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, inject, it } from "vitest";
import { GET as listDatasets } from "@/app/api/datasets/route";
import { POST as exportAsync } from "@/app/api/export/async/route";
import { GET as exportGet, POST as exportPost } from "@/app/api/export/[format]/[datasetId]/route";
import { GET as download } from "@/app/api/export/download/[jobId]/route";
import { GET as history } from "@/app/api/export/history/route";
import { GET as status } from "@/app/api/export/status/[jobId]/route";
import { DELETE as deleteToken } from "@/app/api/tokens/[id]/route";
import { GET as listTokensRoute, POST as createTokenRoute } from "@/app/api/tokens/route";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { defineExportJob } from "@/lib/exports/export-job";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import { runJob } from "@/lib/jobs/run-job";
import { TOKEN_PREFIX } from "@/lib/tokens/token-schemas";
import { createToken, resetTokenUseCache } from "@/lib/tokens/tokens";
import { demoUser, requestAs, routeContext, sessionCookie, type DemoWho } from "../helpers/auth";
import { waitUntil } from "../helpers/wait";

const exportDir = mkdtempSync(path.join(os.tmpdir(), "outport-tokens-"));
process.env.OUTPORT_EXPORT_DIR = exportDir;
// A database of its own: these tests spend the manager's export rate limit on purpose.
process.env.DATABASE_URL = inject("tokensDatabaseUrl");

const APP = "http://127.0.0.1:3000";
const CHALLENGE = 'Bearer error="invalid_token"';
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Every body answered after a token's creation: none may hold a secret. */
const bodies: string[] = [];
const secrets: string[] = [];

async function read(response: Response): Promise<string> {
  const body = await response.text();
  bodies.push(body);
  return body;
}

type Created = {
  id: string;
  name: string;
  scope: string;
  token: string;
  created_at: string;
  expires_at: string | null;
};
type ListItem = { id: string; name: string; scope: string; hint: string; user_id: number; user_email: string };

async function createAs(who: DemoWho, body: Record<string, unknown>): Promise<Response> {
  const req = await requestAs(who, "/api/tokens", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  return createTokenRoute(req, routeContext({}));
}

async function tokenFor(who: DemoWho, scope: "read" | "export", extra: Record<string, unknown> = {}): Promise<Created> {
  const response = await createAs(who, { name: `${who} ${scope} token`, scope, ...extra });
  expect(response.status).toBe(201);
  const created = (await response.json()) as Created;
  secrets.push(created.token);
  return created;
}

function bearer(token: string, url: string, init: RequestInit = {}): Request {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  return new Request(new URL(url, APP), { ...init, headers });
}

const jsonPost = (token: string, url: string, body: unknown, headers: Record<string, string> = {}) =>
  bearer(token, url, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });

async function datasetId(title: string): Promise<number> {
  return (await prisma().dataset.findFirstOrThrow({ where: { title } })).id;
}

async function directCsv(req: Request, id: number): Promise<Response> {
  return exportPost(req, routeContext({ format: "csv", datasetId: String(id) }));
}

beforeEach(async () => {
  resetTokenUseCache();
  for (const who of ["admin", "manager", "manager2", "viewer"] as const)
    await resetExportRequests((await demoUser(who)).id);
  await prisma().exportJob.updateMany({
    where: { status: { in: ["pending", "processing"] } },
    data: { status: "cancelled" },
  });
});

afterAll(async () => {
  // Nothing answered or audited after creation holds a secret.
  const { rows } = await pgPool().query<{ details: string }>("SELECT details::text AS details FROM audit_events");
  for (const secret of secrets) {
    for (const body of bodies) expect(body).not.toContain(secret);
    for (const row of rows) expect(row.details).not.toContain(secret);
  }
  await prisma().personalAccessToken.deleteMany({});
  rmSync(exportDir, { recursive: true, force: true });
});

describe("creating, listing and revoking tokens", () => {
  it("creates a token once shown, stored only as its SHA-256, listed without it", async () => {
    const created = await tokenFor("manager", "export", { expires_in_days: 30 });
    expect(created.token).toMatch(/^outport_pat_[A-Za-z0-9_-]{43}$/);
    expect(created.scope).toBe("export");
    const days = (Date.parse(created.expires_at ?? "") - Date.parse(created.created_at)) / 86_400_000;
    expect(days).toBeCloseTo(30, 3);

    const { rows } = await pgPool().query<Record<string, unknown>>(
      "SELECT * FROM personal_access_tokens WHERE id = $1",
      [created.id],
    );
    const row = rows[0] ?? {};
    expect(row.token_hash).toBe(sha256(created.token));
    expect(row.hint).toBe(created.token.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + 6));
    expect(JSON.stringify(row)).not.toContain(created.token.slice(TOKEN_PREFIX.length));

    const listed = JSON.parse(
      await read(await listTokensRoute(await requestAs("manager", "/api/tokens"), routeContext({}))),
    );
    const item = (listed as ListItem[]).find((token) => token.id === created.id);
    expect(item).toMatchObject({ name: "manager export token", scope: "export", user_email: "manager@outport.local" });
    expect(Object.keys(item ?? {})).not.toContain("token");

    const audit = await prisma().auditEvent.findFirstOrThrow({
      where: { action: "token_created", targetId: created.id },
    });
    expect(audit).toMatchObject({ targetType: "token", actorId: (await demoUser("manager")).id });
  });

  it("never expires without an expiry; refuses bad input with fields (422)", async () => {
    expect((await tokenFor("manager", "read")).expires_at).toBeNull();
    const bad = await createAs("manager", { name: " ", scope: "admin", expires_in_days: 7, extra: 1 });
    expect(bad.status).toBe(422);
    const fields = ((await bad.json()) as { errors: { field: string }[] }).errors.map((e) => e.field).sort();
    expect(fields).toEqual(["expires_in_days", "extra", "name", "scope"]);
  });

  it("lets a viewer create read tokens only", async () => {
    await tokenFor("viewer", "read");
    const refused = await createAs("viewer", { name: "v", scope: "export" });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ errors: [{ field: "scope" }] });
  });

  it("lists one's own tokens; an admin everyone's", async () => {
    const mine = await tokenFor("manager2", "read");
    const manager = (await (
      await listTokensRoute(await requestAs("manager", "/api/tokens"), routeContext({}))
    ).json()) as ListItem[];
    expect(manager.map((t) => t.id)).not.toContain(mine.id);
    expect(new Set(manager.map((t) => t.user_email))).toEqual(new Set(["manager@outport.local"]));
    const admin = (await (
      await listTokensRoute(await requestAs("admin", "/api/tokens"), routeContext({}))
    ).json()) as ListItem[];
    expect(admin.map((t) => t.id)).toContain(mine.id);
  });

  it("revokes one's own (204, audited once); others' are 404 but an admin may revoke anyone's", async () => {
    const token = await tokenFor("manager2", "read");
    const revoke = async (who: DemoWho, id = token.id) =>
      deleteToken(await requestAs(who, `/api/tokens/${id}`, { method: "DELETE" }), routeContext({ id }));
    expect((await revoke("manager")).status).toBe(404);
    expect((await revoke("manager2", "not-a-uuid")).status).toBe(404);
    expect((await revoke("manager2")).status).toBe(204);
    expect((await revoke("manager2")).status).toBe(204);
    expect(await prisma().auditEvent.count({ where: { action: "token_revoked", targetId: token.id } })).toBe(1);

    const other = await tokenFor("manager", "read");
    expect((await revoke("admin", other.id)).status).toBe(204);
    const row = await prisma().personalAccessToken.findUniqueOrThrow({ where: { id: other.id } });
    expect(row.revokedBy).toBe((await demoUser("admin")).id);
    const res = await listDatasets(bearer(other.token, "/api/datasets"), routeContext({}));
    expect(res.status).toBe(401);
  });

  it("cannot be created with a token (403), even an export one", async () => {
    const token = await tokenFor("manager", "export");
    const response = await createTokenRoute(
      jsonPost(token.token, "/api/tokens", { name: "x", scope: "read" }),
      routeContext({}),
    );
    expect(response.status).toBe(403);
    expect(JSON.parse(await read(response))).toEqual({
      detail: "Access tokens are created in the app while signed in, not with another token.",
    });
  });
});

describe("a bearer token on the API", () => {
  it("lists datasets as its user, whoever's cookie comes with it", async () => {
    const token = await tokenFor("viewer", "read");
    const req = bearer(token.token, "/api/datasets", {
      headers: { cookie: await sessionCookie((await demoUser("admin")).id) },
    });
    const response = await listDatasets(req, routeContext({}));
    expect(response.status).toBe(200);
    const datasets = JSON.parse(await read(response)) as { can_export: boolean }[];
    expect(datasets.length).toBeGreaterThan(0);
    expect(datasets.every((d) => !d.can_export)).toBe(true); // the viewer's view, not the admin's
  });

  it("exports with an export token (even sent cross-site: no cookie is involved), audited with token_id", async () => {
    const token = await tokenFor("manager", "export");
    const id = await datasetId("Course Evaluations");
    const req = jsonPost(token.token, `/api/export/csv/${id}`, {}, { origin: "https://elsewhere.example" });
    const response = await directCsv(req, id);
    expect(response.status).toBe(200);
    expect((await read(response)).split("\n").length).toBeGreaterThan(2);
    const events = await prisma().auditEvent.findMany({
      where: {
        action: { in: ["export_requested", "export_completed"] },
        details: { path: ["token_id"], equals: token.id },
      },
    });
    expect(events.map((e) => e.action)).toContain("export_requested");
  });

  it("refuses exports to a read token (403), by POST or GET, and lets it read", async () => {
    const token = await tokenFor("manager", "read");
    const id = await datasetId("Course Evaluations");
    const post = await directCsv(jsonPost(token.token, `/api/export/csv/${id}`, {}), id);
    expect(post.status).toBe(403);
    expect((await post.json()) as { detail: string }).toEqual({
      detail:
        "This access token has the read scope: it can only read. Creating or changing anything needs a token with the export scope.",
    });
    const get = await exportGet(
      bearer(token.token, `/api/export/csv/${id}`),
      routeContext({ format: "csv", datasetId: String(id) }),
    );
    expect(get.status).toBe(403);
    const job = await exportAsync(
      jsonPost(token.token, "/api/export/async", { dataset_id: id, format: "csv" }),
      routeContext({}),
    );
    expect(job.status).toBe(403);
    const ko = await exportAsync(
      jsonPost(token.token, "/api/export/async", { dataset_id: id, format: "csv" }, { "accept-language": "ko" }),
      routeContext({}),
    );
    expect(((await ko.json()) as { detail: string }).detail).toContain("read 범위");
    expect((await history(bearer(token.token, "/api/export/history"), routeContext({}))).status).toBe(200);
  });

  it("refuses a viewer's token the export its role forbids (403)", async () => {
    const token = await tokenFor("viewer", "read");
    const viewer = await demoUser("viewer");
    // Even were its scope export (made directly), the role decides.
    const exportToken = await createToken({ ...viewer, credential: { kind: "session" } }, { name: "x", scope: "read" });
    secrets.push(exportToken.token);
    await pgPool().query(`UPDATE personal_access_tokens SET scope = 'export' WHERE id = $1`, [exportToken.id]);
    const id = await datasetId("Q1 Sales");
    expect((await directCsv(jsonPost(token.token, `/api/export/csv/${id}`, {}), id)).status).toBe(403);
    expect((await directCsv(jsonPost(exportToken.token, `/api/export/csv/${id}`, {}), id)).status).toBe(403);
  });

  it("runs a job: create, status, history and download, all with the token", async () => {
    const token = await tokenFor("manager", "export");
    const id = await datasetId("Course Evaluations");
    const accepted = await exportAsync(
      jsonPost(token.token, "/api/export/async", { dataset_id: id, format: "csv" }),
      routeContext({}),
    );
    expect(accepted.status).toBe(202);
    const { job_id: jobId } = JSON.parse(await read(accepted)) as { job_id: string };
    const outcome = await runJob(defineExportJob({ dir: exportDir }), jobId);
    if (outcome === "not_claimed") {
      await waitUntil(
        async () => (await prisma().exportJob.findUniqueOrThrow({ where: { id: jobId } })).status,
        (s) => s === "completed",
      );
    }
    const polled = await status(bearer(token.token, `/api/export/status/${jobId}`), routeContext({ jobId }));
    expect(JSON.parse(await read(polled))).toMatchObject({ status: "completed" });
    // The worker records the job's completion with the token it was asked for with.
    const completed = await prisma().auditEvent.findFirstOrThrow({
      where: { action: "export_completed", details: { path: ["job_id"], equals: jobId } },
    });
    expect(completed.details).toMatchObject({ token_id: token.id });
    const listed = JSON.parse(
      await read(await history(bearer(token.token, "/api/export/history"), routeContext({}))),
    ) as {
      items: { job_id: string }[];
    };
    expect(JSON.stringify(listed)).toContain(jobId);
    // A read token of the same user may download it.
    const reader = await tokenFor("manager", "read");
    const file = await download(bearer(reader.token, `/api/export/download/${jobId}`), routeContext({ jobId }));
    expect(file.status).toBe(200);
    expect((await file.text()).length).toBeGreaterThan(10);
    const downloaded = await prisma().auditEvent.findFirstOrThrow({
      where: { action: "export_downloaded", targetId: jobId },
      orderBy: { id: "desc" },
    });
    expect(downloaded.details).toMatchObject({ token_id: reader.id });
    // Another user's token may not.
    const stranger = await tokenFor("manager2", "export");
    expect(
      (await download(bearer(stranger.token, `/api/export/download/${jobId}`), routeContext({ jobId }))).status,
    ).toBe(404);
  });

  it("answers 401 with the challenge to malformed, unknown, revoked and expired tokens", async () => {
    const revoked = await tokenFor("manager", "read");
    await pgPool().query("UPDATE personal_access_tokens SET revoked_at = now() WHERE id = $1", [revoked.id]);
    const expired = await tokenFor("manager", "read", { expires_in_days: 30 });
    await pgPool().query("UPDATE personal_access_tokens SET expires_at = now() - interval '1 second' WHERE id = $1", [
      expired.id,
    ]);
    const unknown = `${TOKEN_PREFIX}${"A".repeat(43)}`;
    const headers = [
      `Bearer ${revoked.token}`,
      `Bearer ${expired.token}`,
      `Bearer ${unknown}`,
      "Bearer not-a-token",
      "Bearer",
      `Bearer ${revoked.token.slice(0, -1)}`,
      `bearer ${TOKEN_PREFIX}${"!".repeat(43)}`,
    ];
    for (const authorization of headers) {
      const req = new Request(`${APP}/api/datasets`, {
        headers: { authorization, cookie: await sessionCookie((await demoUser("manager")).id) },
      });
      const response = await listDatasets(req, routeContext({}));
      expect(response.status, authorization).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(CHALLENGE);
      expect(await response.json()).toEqual({
        detail: "The access token is not valid: it is unknown, revoked or expired.",
      });
    }
    // Without a token, a 401 has no bearer challenge of a bad token.
    const anonymous = await listDatasets(new Request(`${APP}/api/datasets`), routeContext({}));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBeNull();
  });

  it("stops working when its user is deactivated (401), and follows the role read now", async () => {
    const user = await prisma().user.create({
      data: { email: "script@outport.local", name: "Script", role: "manager", passwordHash: "x" },
    });
    try {
      const created = await createToken({ ...user, credential: { kind: "session" } }, { name: "job", scope: "export" });
      secrets.push(created.token);
      expect((await listDatasets(bearer(created.token, "/api/datasets"), routeContext({}))).status).toBe(200);
      await prisma().user.update({ where: { id: user.id }, data: { active: false } });
      const response = await listDatasets(bearer(created.token, "/api/datasets"), routeContext({}));
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe(CHALLENGE);
      await prisma().user.update({ where: { id: user.id }, data: { active: true, mustChangePassword: true } });
      expect((await listDatasets(bearer(created.token, "/api/datasets"), routeContext({}))).status).toBe(403);
    } finally {
      await prisma().personalAccessToken.deleteMany({ where: { userId: user.id } });
      await prisma().user.delete({ where: { id: user.id } });
    }
  });

  it("writes its last use at most once a minute", async () => {
    const token = await tokenFor("manager", "read");
    const lastUsed = async () =>
      (await prisma().personalAccessToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await listDatasets(bearer(token.token, "/api/datasets"), routeContext({}));
    const [first] = await waitUntil(lastUsed, (value) => value !== null);
    const seen = (await waitUntil(lastUsed, (value) => value !== null)).at(-1);
    resetTokenUseCache(); // even without the process's cache, the database writes no more often
    await listDatasets(bearer(token.token, "/api/datasets"), routeContext({}));
    await new Promise((r) => setTimeout(r, 200));
    expect((await lastUsed())?.getTime()).toBe(seen?.getTime());
    expect(first).not.toBeUndefined();
    // An hour later (set back), the next use writes it again.
    await pgPool().query("UPDATE personal_access_tokens SET last_used_at = now() - interval '1 hour' WHERE id = $1", [
      token.id,
    ]);
    resetTokenUseCache();
    const before = await lastUsed();
    await listDatasets(bearer(token.token, "/api/datasets"), routeContext({}));
    await waitUntil(lastUsed, (value) => (value?.getTime() ?? 0) > (before?.getTime() ?? 0));
  });

  it("shares the export rate limit with the session of the same user", async () => {
    const token = await tokenFor("manager", "export");
    const id = await datasetId("Course Evaluations");
    for (let i = 0; i < 10; i++) {
      const req =
        i % 2 === 0
          ? await requestAs("manager", `/api/export/csv/${id}`, {
              method: "POST",
              body: "{}",
              headers: { "content-type": "application/json" },
            })
          : jsonPost(token.token, `/api/export/csv/${id}`, {});
      const response = await directCsv(req, id);
      expect(response.status, `request ${i + 1}`).toBe(200);
      await read(response);
    }
    const refused = await directCsv(jsonPost(token.token, `/api/export/csv/${id}`, {}), id);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    const session = await directCsv(
      await requestAs("manager", `/api/export/csv/${id}`, {
        method: "POST",
        body: "{}",
        headers: { "content-type": "application/json" },
      }),
      id,
    );
    expect(session.status).toBe(429);
  });
});
