import { describe, expect, it } from "vitest";
import { can, canExport, canSeeSensitive, exportDenial, PERMISSIONS, type Actor } from "@/lib/auth/permissions";

const admin: Actor = { id: 1, role: "admin" };
const manager: Actor = { id: 2, role: "manager" };
const manager2: Actor = { id: 3, role: "manager" };
const viewer: Actor = { id: 4, role: "viewer" };
const managersDataset = { ownerId: 2 };
const adminsDataset = { ownerId: 1 };

describe("the role table", () => {
  it.each([
    // who, see datasets, export own/any, history all, history own, audit
    ["admin", admin, true, true, true, true],
    ["manager", manager, true, false, true, false],
    ["viewer", viewer, true, false, true, false],
    ["anonymous", null, false, false, false, false],
  ] as const)("%s", (_name, actor, see, historyAll, historyOwn, audit) => {
    expect(can(actor, "datasets.view")).toBe(see);
    expect(can(actor, "history.all")).toBe(historyAll);
    expect(can(actor, "history.own")).toBe(historyOwn);
    expect(can(actor, "audit.view")).toBe(audit);
    expect(can(actor, "users.manage")).toBe(audit);
  });

  it("lets an admin export any dataset, with sensitive columns", () => {
    expect(canExport(admin, managersDataset)).toBe(true);
    expect(canExport(admin, adminsDataset)).toBe(true);
    expect(canSeeSensitive(admin)).toBe(true);
  });

  it("lets a manager export only their own datasets, always redacted", () => {
    expect(canExport(manager, managersDataset)).toBe(true);
    expect(exportDenial(manager, adminsDataset)).toBe("not_owner");
    expect(exportDenial(manager2, managersDataset)).toBe("not_owner");
    expect(canSeeSensitive(manager)).toBe(false);
  });

  it("never lets a viewer or an anonymous caller export", () => {
    expect(exportDenial(viewer, managersDataset)).toBe("role");
    expect(exportDenial({ id: 4, role: "viewer" }, { ownerId: 4 })).toBe("role");
    expect(exportDenial(null, managersDataset)).toBe("signed_out");
    expect(canSeeSensitive(viewer)).toBe(false);
    expect(canSeeSensitive(null)).toBe(false);
  });

  it("names only known roles", () => {
    for (const roles of Object.values(PERMISSIONS)) {
      for (const role of roles) expect(["admin", "manager", "viewer"]).toContain(role);
    }
  });
});
