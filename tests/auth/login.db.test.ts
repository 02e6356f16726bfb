import { afterEach, describe, expect, it } from "vitest";
import { authOptions } from "@/lib/auth/auth-options";
import { hashPassword } from "@/lib/auth/password";
import { prisma } from "@/lib/data/prisma";

type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;

const provider = authOptions.providers[0] as unknown as { options: { authorize: Authorize } };
const authorize = (email: string, password: string) =>
  provider.options.authorize({ email, password }, { headers: { "x-outport-peer": "203.0.113.9" } });

async function auditFor(email: string) {
  return prisma().auditEvent.findMany({
    where: { details: { path: ["email"], equals: email } },
    orderBy: { id: "asc" },
    select: { action: true, details: true, ip: true },
  });
}

afterEach(async () => {
  await prisma().auditEvent.deleteMany({ where: { action: { in: ["login_failed", "login_succeeded"] } } });
});

describe("sign-in with e-mail and password", () => {
  it("accepts the right password, case- and space-insensitive e-mail, and records it", async () => {
    const user = await authorize("  Manager@Outport.local ", "outport-manager");
    expect(user).toMatchObject({ email: "manager@outport.local", name: "Mina Manager", role: "manager" });
    const events = await prisma().auditEvent.findMany({ where: { action: "login_succeeded" } });
    expect(events).toHaveLength(1);
    expect(events[0]?.ip).toBe("203.0.113.9");
  });

  it("refuses a wrong password and an unknown e-mail alike, recording both", async () => {
    expect(await authorize("manager@outport.local", "wrong")).toBeNull();
    expect(await authorize("nobody@outport.local", "wrong")).toBeNull();
    expect((await auditFor("manager@outport.local")).map((e) => e.details)).toEqual([
      { email: "manager@outport.local", reason: "wrong_password" },
    ]);
    expect((await auditFor("nobody@outport.local")).map((e) => e.action)).toEqual(["login_failed"]);
  });

  it("refuses a deactivated account even with the right password", async () => {
    const user = await prisma().user.create({
      data: {
        email: "retired@outport.local",
        name: "Retired",
        role: "manager",
        active: false,
        passwordHash: await hashPassword("right-password"),
      },
    });
    try {
      expect(await authorize("retired@outport.local", "right-password")).toBeNull();
      expect((await auditFor("retired@outport.local"))[0]?.details).toMatchObject({ reason: "inactive" });
    } finally {
      await prisma().auditEvent.deleteMany({ where: { actorId: user.id } });
      await prisma().user.delete({ where: { id: user.id } });
    }
  });

  it("refuses empty and oversized input without touching the database", async () => {
    expect(await authorize("", "x")).toBeNull();
    expect(await authorize("viewer@outport.local", "")).toBeNull();
    expect(await authorize("viewer@outport.local", "x".repeat(5000))).toBeNull();
    expect(await auditFor("viewer@outport.local")).toEqual([]);
  });
});
