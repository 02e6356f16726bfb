// Every audit write is committed or logged as an error: whatever an event carries (NUL,
// lone surrogates, very long text, in details at any depth, their keys, the target, the
// address) PostgreSQL takes it, written out so it can be read; a write that fails anyway
// is logged, and inside a transaction it fails the transaction, so nothing it records is
// committed without its event.
import { afterEach, describe, expect, it, vi } from "vitest";
import { recordAudit } from "@/lib/audit/audit";
import { inTransaction, pgPool } from "@/lib/data/pg";
import type { AuditAction } from "@/lib/generated/prisma/enums";
import { STORED_TEXT_MAX } from "@/lib/text";

const TARGET_PREFIX = "audit-integrity";

type Stored = { target_id: string | null; details: Record<string, unknown>; ip: string | null };

async function stored(targetId: string): Promise<Stored[]> {
  const { rows } = await pgPool().query<Stored>(
    "SELECT target_id, details, ip FROM audit_events WHERE target_id LIKE $1 ORDER BY id",
    [`${targetId}%`],
  );
  return rows;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("an audit event carrying text PostgreSQL refuses", () => {
  it("is committed, every text written out: NUL as \\u0000, a lone surrogate as U+FFFD", async () => {
    const target = `${TARGET_PREFIX}-1`;
    await recordAudit({
      action: "export_requested",
      targetId: `${target}\u0000x`,
      ip: "10.0.0.1\u0000",
      details: {
        filters: "region eq A\u0000B",
        rename: { "key\u0000": "half \ud800 pair", whole: "😀 지역" },
        nested: [{ deeper: ["\udc00", "fine"] }],
      },
    });
    expect(await stored(target)).toEqual([
      {
        target_id: `${target}\\u0000x`,
        ip: "10.0.0.1\\u0000",
        details: {
          filters: "region eq A\\u0000B",
          rename: { "key\\u0000": "half \uFFFD pair", whole: "😀 지역" },
          nested: [{ deeper: ["\uFFFD", "fine"] }],
        },
      },
    ]);
  });

  it("is committed with long text capped, a long address and target cut", async () => {
    const target = `${TARGET_PREFIX}-2`;
    await recordAudit({
      action: "login_failed",
      targetId: `${target}${"t".repeat(5000)}`,
      ip: "9".repeat(8000),
      details: { email: `${"x".repeat(10_000)}@example.com` },
    });
    const [row] = await stored(target);
    expect(String(row?.details.email)).toHaveLength(STORED_TEXT_MAX);
    expect(String(row?.details.email).endsWith("…")).toBe(true);
    expect(row?.ip?.length).toBeLessThanOrEqual(100);
    expect(row?.target_id?.length).toBeLessThanOrEqual(200);
  });
});

describe("an audit write that fails", () => {
  const broken = { action: "no_such_action" as AuditAction, targetId: `${TARGET_PREFIX}-broken` };

  it("on its own is logged as an error, and the action goes on", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(recordAudit(broken)).resolves.toBeUndefined();
    expect(logged).toHaveBeenCalledWith("Could not record the audit event no_such_action:", expect.any(Error));
  });

  it("inside a transaction is logged, and rolls the transaction back", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const target = `${TARGET_PREFIX}-3`;
    await expect(
      inTransaction(async (client) => {
        await recordAudit({ action: "export_deleted", targetId: target }, client);
        await recordAudit(broken, client);
      }),
    ).rejects.toThrow();
    expect(logged).toHaveBeenCalledWith("Could not record the audit event no_such_action:", expect.any(Error));
    expect(await stored(target)).toEqual([]);
  });

  it("inside a transaction with text PostgreSQL refuses is not a failure", async () => {
    const target = `${TARGET_PREFIX}-4`;
    await inTransaction(async (client) => {
      await recordAudit({ action: "export_deleted", targetId: target, details: { why: "\u0000" } }, client);
    });
    expect(await stored(target)).toEqual([{ target_id: target, ip: null, details: { why: "\\u0000" } }]);
  });
});
