// No database error text in what users or the audit trail see: a direct download that
// fails on a PostgreSQL error is audited with our own message key, and the error's words
// go to the server's log only. Its row in the export history fails with the same key.
import { describe, expect, it, vi } from "vitest";
import { loadActiveUser } from "@/lib/auth/current-user";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { prepareExport } from "@/lib/exports/prepare-export";
import { streamExport } from "@/lib/exports/stream-export";
import { demoUser } from "../helpers/auth";

describe("a direct download failing on a database error", () => {
  it("is audited as export_failed with a message key, the database's words only logged", async () => {
    const admin = (await loadActiveUser((await demoUser("admin")).id))!;
    const dataset = await prisma().dataset.findFirstOrThrow({ where: { title: "Q1 Sales" } });
    const prepared = await prepareExport(admin, dataset.id, "parquet", {
      filters: [{ column: "amount", op: "lt", value: 0 }],
    });
    // A value no check lets through, as if a bug did: PostgreSQL refuses it mid-export.
    const filter = prepared.plan.filters[0] as { value: unknown };
    filter.value = "not a number";
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const since = new Date();
    try {
      const streamed = await streamExport({ user: admin, ip: null }, prepared, new AbortController().signal);
      const read = async () => {
        for await (const chunk of streamed.bytes) void chunk;
      };
      await expect(read()).rejects.toThrow(/invalid input syntax/);
      expect(logged.mock.calls.flat().map(String).join(" ")).toMatch(/invalid input syntax/);
    } finally {
      logged.mockRestore();
    }
    const { rows } = await pgPool().query<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_events
        WHERE action = 'export_failed' AND actor_id = $1 AND created_at >= $2 AND details->>'format' = 'parquet'`,
      [admin.id, since],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.details).toMatchObject({ delivery: "direct", error: "job.error.unexpected" });
    expect(JSON.stringify(rows[0]?.details)).not.toMatch(/syntax|numeric|SQL|select/i);
    const row = await prisma().exportJob.findFirstOrThrow({
      where: { userId: admin.id, delivery: "direct", format: "parquet", createdAt: { gte: since } },
    });
    expect(row).toMatchObject({ status: "failed", errorMessage: "job.error.unexpected", sha256: null, fileSize: null });
  });
});
