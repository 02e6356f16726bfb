// One's own account on a real PostgreSQL, through the account page's server actions (the
// signed-in user and the request's headers set by the test, everything behind them real):
// a name change audited before → after, bad input refused naming the field, the language
// kept on the user (from the page and from the top bar's switch) and in the cookie, a wrong
// current password refused naming the field, and a deactivated account refused.
import { beforeEach, describe, expect, inject, it, vi } from "vitest";
import { changePassword } from "@/app/actions/change-password";
import { setLocale } from "@/app/actions/set-locale";
import { updateAccount as updateAccountAction } from "@/app/actions/update-account";
import { loadSignedInUser, type SignedInUser } from "@/lib/auth/current-user";
import { hashPassword } from "@/lib/auth/password";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { getAccount } from "@/lib/users/get-account";
import { updateAccount } from "@/lib/users/update-account";

// The user-management database: these tests create users of their own and change them.
process.env.DATABASE_URL = inject("usersDatabaseUrl");

const request: { user: SignedInUser | null; cookies: Map<string, string> } = { user: null, cookies: new Map() };

vi.mock("@/lib/auth/session", () => ({
  getSignedInUser: async () => (request.user ? loadSignedInUser(request.user.id) : null),
  getPageUser: async () => {
    const user = request.user ? await loadSignedInUser(request.user.id) : null;
    return user && { id: user.id, email: user.email, name: user.name, role: user.role };
  },
}));
vi.mock("@/lib/i18n/server", () => ({ getLocale: async () => "en" }));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": "203.0.113.9" }),
  cookies: async () => ({
    get: (name: string) => (request.cookies.has(name) ? { name, value: request.cookies.get(name) } : undefined),
    set: (name: string, value: string) => void request.cookies.set(name, value),
  }),
}));

const PASSWORD = "the account's own password";
let counter = 0;

async function newUser(): Promise<SignedInUser> {
  counter += 1;
  const user = await prisma().user.create({
    data: {
      email: `account${counter}-${Date.now()}@example.com`,
      name: `Account ${counter}`,
      role: "viewer",
      passwordHash: await hashPassword(PASSWORD),
    },
  });
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    mustChangePassword: false,
    locale: user.locale,
  };
}

async function auditOf(action: string, targetId: number) {
  const { rows } = await pgPool().query<{ actor_id: number; details: Record<string, unknown> }>(
    `SELECT actor_id, details FROM audit_events WHERE action = $1::"AuditAction" AND target_id = $2 ORDER BY id`,
    [action, String(targetId)],
  );
  return rows;
}

beforeEach(async () => {
  request.user = await newUser();
  request.cookies = new Map();
});

describe("changing one's name", () => {
  it("saves the trimmed name and audits user_updated with before → after", async () => {
    const user = request.user!;
    const result = await updateAccountAction({ name: "  Renamed Person " });
    expect(result).toEqual({ account: { id: user.id, email: user.email, name: "Renamed Person", locale: "en" } });
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe("Renamed Person");
    const events = await auditOf("user_updated", user.id);
    expect(events).toHaveLength(1);
    expect(events[0]?.actor_id).toBe(user.id);
    expect(events[0]?.details).toEqual({
      email: user.email,
      before: { name: user.name },
      after: { name: "Renamed Person" },
    });
    // The name the session shows is read from the database: the next request sees it.
    expect((await loadSignedInUser(user.id))?.name).toBe("Renamed Person");
  });

  it("the same name again changes and audits nothing", async () => {
    const user = request.user!;
    expect(await updateAccountAction({ name: user.name })).toMatchObject({ account: { name: user.name } });
    expect(await auditOf("user_updated", user.id)).toHaveLength(0);
  });

  it.each([
    [{ name: "   " }, "name"],
    [{ name: "x".repeat(201) }, "name"],
    [{ name: 42 }, "name"],
    [{ locale: "fr" }, "locale"],
    [{ email: "someone@else.example" }, "email"],
    [{ role: "admin" }, "role"],
    [{}, "(body)"],
  ])("%j is refused with a 422 naming %s, nothing changed", async (input, field) => {
    const user = request.user!;
    const result = await updateAccountAction(input);
    expect(result).toMatchObject({ status: 422 });
    expect("errors" in result ? result.errors?.map((error) => error.field) : []).toContain(field);
    expect(await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({
      name: user.name,
      email: user.email,
      role: "viewer",
      locale: "en",
    });
    expect(await auditOf("user_updated", user.id)).toHaveLength(0);
  });

  it("signed out: 401; a deactivated account: refused, nothing changed", async () => {
    const user = request.user!;
    request.user = null;
    expect(await updateAccountAction({ name: "Nobody" })).toMatchObject({ status: 401 });
    await prisma().user.update({ where: { id: user.id }, data: { active: false } });
    await expect(updateAccount(user, { name: "Ghost" })).rejects.toMatchObject({ code: "unauthenticated" });
    await expect(getAccount(user)).resolves.toMatchObject({ name: user.name });
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe(user.name);
  });
});

describe("one's language", () => {
  it("is stored on the user, from the account page and the top bar alike, and in the cookie", async () => {
    const user = request.user!;
    expect(await updateAccountAction({ locale: "ko" })).toMatchObject({ account: { locale: "ko" } });
    expect((await prisma().user.findUniqueOrThrow({ where: { id: user.id } })).locale).toBe("ko");

    // The language switch (and the account page's radio buttons) go through setLocale.
    expect(await setLocale("en")).toEqual({});
    expect(request.cookies.get("outport_locale")).toBe("en");
    expect((await getAccount(user)).locale).toBe("en");
    expect(await setLocale("ko")).toEqual({});
    expect(request.cookies.get("outport_locale")).toBe("ko");
    expect((await getAccount(user)).locale).toBe("ko");
    // A preference, not audited.
    expect(await auditOf("user_updated", user.id)).toHaveLength(0);
  });

  it("signed out, only the cookie; an unknown language, neither", async () => {
    const user = request.user!;
    expect(await setLocale("xx")).toEqual({ error: expect.any(String) });
    expect(request.cookies.size).toBe(0);
    expect((await getAccount(user)).locale).toBe("en");
    request.user = null;
    expect(await setLocale("ko")).toEqual({});
    expect(request.cookies.get("outport_locale")).toBe("ko");
    expect((await getAccount(user)).locale).toBe("en");
  });

  it("the database refuses any other value", async () => {
    const user = request.user!;
    await expect(pgPool().query(`UPDATE users SET locale = 'fr' WHERE id = $1`, [user.id])).rejects.toThrow(
      /invalid input value for enum "Locale"/,
    );
  });
});

describe("one's password, from the account page", () => {
  it("a wrong current password is a 422 naming current_password; the password is kept", async () => {
    const user = request.user!;
    const result = await changePassword({
      current_password: "not the password at all",
      new_password: "a brand new password",
      confirm_password: "a brand new password",
    });
    expect(result).toMatchObject({ status: 422, errors: [{ field: "current_password" }] });
    expect(await auditOf("password_changed", user.id)).toHaveLength(0);

    expect(
      await changePassword({
        current_password: PASSWORD,
        new_password: "a brand new password",
        confirm_password: "a brand new password",
      }),
    ).toEqual({ ok: true });
    expect(await auditOf("password_changed", user.id)).toHaveLength(1);
  });
});
