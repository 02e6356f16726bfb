// The role table (docs/product.md) applied to the real demo users and datasets.
import { describe, expect, it } from "vitest";
import { can, exportDenial, type Actor } from "@/lib/auth/permissions";
import { prisma } from "@/lib/data/prisma";
import { demoUser, type DemoWho } from "../helpers/auth";

async function actor(who: DemoWho | "anonymous"): Promise<Actor | null> {
  if (who === "anonymous") return null;
  const user = await demoUser(who);
  return { id: user.id, role: user.role };
}

const owned = () => prisma().dataset.findFirstOrThrow({ where: { title: "Q1 Sales" } }); // the manager's
const others = () => prisma().dataset.findFirstOrThrow({ where: { title: "All Students 2024-2025" } }); // the admin's

describe("who may do what on the demo data", () => {
  it.each([
    // who,        see,   export manager's, export admin's, history all, history own, audit
    ["admin", true, true, true, true, true, true],
    ["manager", true, true, false, false, true, false],
    ["manager2", true, false, false, false, true, false],
    ["viewer", true, false, false, false, true, false],
    ["anonymous", false, false, false, false, false, false],
  ] as const)("%s", async (who, see, exportManagers, exportAdmins, historyAll, historyOwn, audit) => {
    const a = await actor(who);
    expect(can(a, "datasets.view")).toBe(see);
    expect(exportDenial(a, await owned()) === null).toBe(exportManagers);
    expect(exportDenial(a, await others()) === null).toBe(exportAdmins);
    expect(can(a, "history.all")).toBe(historyAll);
    expect(can(a, "history.own")).toBe(historyOwn);
    expect(can(a, "audit.view")).toBe(audit);
  });
});
