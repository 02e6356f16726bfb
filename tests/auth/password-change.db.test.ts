// Accounts whose password others may know: the first admin made at first start (a
// generated password, shown once, stored only as a hash) and the demo run off loopback.
// Until such a user changes the password, every page leads to the change-password page and
// every API route and server action answers 403 saying so; the change clears the flag and
// is audited.
import { randomUUID } from "node:crypto";
import type * as NextAuth from "next-auth";
import type * as React from "react";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { changePassword as changePasswordAction } from "@/app/actions/change-password";
import { startExport } from "@/app/actions/export";
import { GET as listDatasets } from "@/app/api/datasets/route";
import { GET as history } from "@/app/api/export/history/route";
import { config } from "@/lib/config";
import { AppError } from "@/lib/errors";
import { changePassword } from "@/lib/auth/change-password";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { getPageUser, getRequestUser, requirePageUser } from "@/lib/auth/session";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { createInitialAdmin, loadInitialData } from "@/lib/data/seed/seed";
import { routeContext, sessionCookie } from "../helpers/auth";

// The pages and actions read the session through next-auth and the request through
// next/headers; here both are set by the test (the database answers are real).
const session: { userId: number | null } = { userId: null };
vi.mock("next-auth", async (importOriginal) => ({
  ...(await importOriginal<typeof NextAuth>()),
  getServerSession: async () => (session.userId ? { user: { id: String(session.userId) } } : null),
}));
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-outport-peer": "198.51.100.7", "accept-language": "en" }),
  cookies: async () => ({ get: () => undefined }),
}));
vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw new Error(`NEXT_REDIRECT ${url}`);
  },
  useRouter: () => ({ replace: () => {}, refresh: () => {} }),
}));
// react's cache() memoises per request only inside Next; outside, per call is what a request is.
vi.mock("react", async (importOriginal) => ({
  ...(await importOriginal<typeof React>()),
  cache: <T>(fn: T) => fn,
}));

const OLD = "known-to-others-1";
const NEW = "a new long passphrase";
const created: number[] = [];

async function flaggedUser(mustChangePassword = true) {
  const user = await prisma().user.create({
    data: {
      email: `first-${randomUUID()}@example.com`,
      name: "First Sign-in",
      role: "manager",
      passwordHash: await hashPassword(OLD),
      mustChangePassword,
    },
  });
  created.push(user.id);
  return user;
}

const stored = (id: number) => prisma().user.findUniqueOrThrow({ where: { id } });

async function apiAs(userId: number, route: typeof listDatasets, path: string) {
  const request = new Request(`http://127.0.0.1:3000${path}`, { headers: { cookie: await sessionCookie(userId) } });
  return route(request, routeContext({}));
}

async function refusal(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

beforeEach(() => {
  session.userId = null;
});

afterAll(async () => {
  await prisma().auditEvent.deleteMany({ where: { actorId: { in: created } } });
  await prisma().user.deleteMany({ where: { id: { in: created } } });
});

describe("the first admin account", () => {
  it("gets a generated password shown once in the log, kept only as a bcrypt hash, to be changed", async () => {
    const email = `ops-${randomUUID()}@example.com`;
    const lines: string[] = [];
    await loadInitialData(
      prisma(),
      pgPool(),
      { demo: null, admin: { email, password: null, mustChangePassword: true }, local: false },
      (line) => lines.push(line),
    );
    const user = await prisma().user.findUniqueOrThrow({ where: { email } });
    created.push(user.id);
    expect(user).toMatchObject({ role: "admin", active: true, mustChangePassword: true });
    expect(user.passwordHash).toMatch(/^\$2[aby]\$10\$/);

    const shown = lines.map((line) => /password: (\S+)$/.exec(line)?.[1]).filter(Boolean);
    expect(shown).toHaveLength(1);
    const password = shown[0] ?? "";
    expect(password.length).toBeGreaterThanOrEqual(20);
    expect(user.passwordHash).not.toContain(password);
    expect(await verifyPassword(password, user.passwordHash)).toBe(true);
    expect(lines.join("\n").split(password)).toHaveLength(2); // written exactly once
  });

  it("takes a given password as it is, with no change required, and does not print it", async () => {
    const email = `ops-${randomUUID()}@example.com`;
    const lines: string[] = [];
    await loadInitialData(
      prisma(),
      pgPool(),
      { demo: null, admin: { email, password: "chosen by the operator", mustChangePassword: false }, local: false },
      (line) => lines.push(line),
    );
    const user = await prisma().user.findUniqueOrThrow({ where: { email } });
    created.push(user.id);
    expect(user.mustChangePassword).toBe(false);
    expect(await verifyPassword("chosen by the operator", user.passwordHash)).toBe(true);
    expect(lines.join("\n")).not.toContain("chosen by the operator");
  });

  it("gets a different generated password each time", async () => {
    const a = await createInitialAdmin(prisma(), {
      email: `a-${randomUUID()}@example.com`,
      password: null,
      mustChangePassword: true,
    });
    const b = await createInitialAdmin(prisma(), {
      email: `b-${randomUUID()}@example.com`,
      password: null,
      mustChangePassword: true,
    });
    created.push(a.id, b.id);
    expect(a.generatedPassword).not.toBe(b.generatedPassword);
  });
});

describe("a user who must change their password", () => {
  it("gets 403 saying so from every API route, and 200 once the password is changed", async () => {
    const user = await flaggedUser();
    for (const [route, path] of [
      [listDatasets, "/api/datasets"],
      [history, "/api/export/history"],
    ] as const) {
      const response = await apiAs(user.id, route, path);
      expect(response.status, path).toBe(403);
      expect(await response.json()).toEqual({
        detail: "Change your password first: open /account/password in the app.",
      });
    }
    await changePassword(user, { current_password: OLD, new_password: NEW, confirm_password: NEW });
    expect((await apiAs(user.id, listDatasets, "/api/datasets")).status).toBe(200);
  });

  it("is refused where the request's user is loaded, from the database whatever the token says", async () => {
    const user = await flaggedUser();
    const request = new Request("http://127.0.0.1:3000/api/datasets", {
      headers: { cookie: await sessionCookie(user.id, { mustChangePassword: false }) },
    });
    const error = await refusal(getRequestUser(request));
    expect(error).toMatchObject({ code: "forbidden", messageKey: "error.passwordChangeRequired" });
  });

  it("is sent to the change-password page by every page, and refused by server actions", async () => {
    const user = await flaggedUser();
    session.userId = user.id;
    await expect(requirePageUser()).rejects.toThrow("NEXT_REDIRECT /account/password");
    await expect(refusal(getPageUser())).resolves.toMatchObject({ messageKey: "error.passwordChangeRequired" });
    const result = await startExport({ dataset_id: 1, format: "csv" });
    expect(result).toEqual({ error: "Change your password first: open /account/password in the app.", status: 403 });
  });

  it("sees the change-password page, which asks for the change; a signed-out visitor is sent to sign in", async () => {
    const { default: ChangePasswordPage } = await import("@/app/(auth)/account/password/page");
    const { I18nProvider } = await import("@/components/i18n/i18n-provider");
    const { en } = await import("@/lib/i18n/en");
    await expect(ChangePasswordPage()).rejects.toThrow("NEXT_REDIRECT /login?callbackUrl=%2Faccount%2Fpassword");

    const user = await flaggedUser();
    session.userId = user.id;
    const page = await ChangePasswordPage();
    const provider: Parameters<typeof I18nProvider>[0] = { locale: "en", messages: en, children: page };
    const html = renderToStaticMarkup(createElement(I18nProvider, provider));
    expect(html).toContain(en["password.required"]);
    expect(html).toContain('name="current_password"');
    expect(html).toContain('name="confirm_password"');
  });

  it("reaches pages normally after the change", async () => {
    const user = await flaggedUser();
    session.userId = user.id;
    await changePassword(user, { current_password: OLD, new_password: NEW, confirm_password: NEW });
    await expect(requirePageUser()).resolves.toMatchObject({ id: user.id, email: user.email });
    await expect(getPageUser()).resolves.toMatchObject({ id: user.id });
  });
});

describe("changing one's password", () => {
  it("refuses a wrong current password, naming the field, and changes nothing", async () => {
    const user = await flaggedUser();
    const error = await refusal(
      changePassword(user, { current_password: "not-it-at-all", new_password: NEW, confirm_password: NEW }),
    );
    expect(error).toMatchObject({ code: "invalid", messageKey: "password.error.wrongCurrent" });
    expect(error.options.errors).toEqual([{ field: "current_password", message: "is not the current password" }]);
    const after = await stored(user.id);
    expect(after.mustChangePassword).toBe(true);
    expect(await verifyPassword(OLD, after.passwordHash)).toBe(true);
  });

  it("counts wrong current passwords as failed sign-ins: past the limit even the right one is refused", async () => {
    const user = await flaggedUser();
    const ip = "198.51.100.77";
    const wrong = { current_password: "not-it-at-all", new_password: NEW, confirm_password: NEW };
    for (let i = 0; i < config.loginThrottle.perAddressAndEmail; i++) {
      expect((await refusal(changePassword(user, wrong, ip))).messageKey).toBe("password.error.wrongCurrent");
    }
    const held = await refusal(changePassword(user, { ...wrong, current_password: OLD }, ip));
    expect(held).toMatchObject({ code: "rate_limited", messageKey: "login.error.throttled" });
    expect(held.options.retryAfterSeconds).toBeGreaterThan(0);
    expect(await verifyPassword(OLD, (await stored(user.id)).passwordHash)).toBe(true);
    // Another address is not held by it.
    await changePassword(user, { current_password: OLD, new_password: NEW, confirm_password: NEW }, "198.51.100.78");
    expect((await stored(user.id)).mustChangePassword).toBe(false);
  });

  it("refuses new passwords that differ, are too short, too long or the current one", async () => {
    const user = await flaggedUser();
    const cases = [
      [{ new_password: NEW, confirm_password: `${NEW}!` }, "password.error.mismatch", "confirm_password"],
      [{ new_password: "elevenchars", confirm_password: "elevenchars" }, "password.error.tooShort", "new_password"],
      [
        { new_password: "x".repeat(1025), confirm_password: "x".repeat(1025) },
        "password.error.tooLong",
        "new_password",
      ],
      [{ new_password: OLD, confirm_password: OLD }, "password.error.sameAsCurrent", "new_password"],
    ] as const;
    for (const [input, messageKey, field] of cases) {
      const error = await refusal(changePassword(user, { current_password: OLD, ...input }));
      expect(error.messageKey, messageKey).toBe(messageKey);
      expect(error.options.errors?.[0]?.field).toBe(field);
    }
    await expect(refusal(changePassword(user, { current_password: OLD }))).resolves.toMatchObject({
      code: "invalid",
    });
    expect((await stored(user.id)).mustChangePassword).toBe(true);
  });

  it("stores the new hash, clears the flag and audits the change", async () => {
    const user = await flaggedUser();
    await changePassword(user, { current_password: OLD, new_password: NEW, confirm_password: NEW }, "203.0.113.5");
    const after = await stored(user.id);
    expect(after.mustChangePassword).toBe(false);
    expect(await verifyPassword(NEW, after.passwordHash)).toBe(true);
    expect(await verifyPassword(OLD, after.passwordHash)).toBe(false);
    const events = await prisma().auditEvent.findMany({ where: { action: "password_changed", actorId: user.id } });
    expect(events).toMatchObject([
      { targetType: "user", targetId: String(user.id), details: { required: true }, ip: "203.0.113.5" },
    ]);
  });

  it("through the form's server action: 422 with the message in the reader's language, then ok", async () => {
    const user = await flaggedUser();
    session.userId = user.id;
    expect(
      await changePasswordAction({ current_password: OLD, new_password: "short", confirm_password: "short" }),
    ).toEqual({
      error: "The new password must have at least 12 characters.",
      errors: [{ field: "new_password", message: "must have at least 12 characters" }],
      status: 422,
    });
    expect(await changePasswordAction({ current_password: OLD, new_password: NEW, confirm_password: NEW })).toEqual({
      ok: true,
    });
    expect((await stored(user.id)).mustChangePassword).toBe(false);
    const [event] = await prisma().auditEvent.findMany({ where: { action: "password_changed", actorId: user.id } });
    expect(event?.ip).toBe("198.51.100.7");

    session.userId = null;
    expect(await changePasswordAction({ current_password: NEW, new_password: NEW, confirm_password: NEW })).toEqual({
      error: "Sign in to continue.",
      status: 401,
    });
  });
});
