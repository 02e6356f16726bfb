import { describe, expect, it } from "vitest";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { hashPassword } from "@/lib/auth/password";
import { isDatabaseEmpty, lockPublishedDemoPasswords } from "@/lib/data/seed/seed";
import { tableSql } from "@/lib/sources/typed/rows-table";
import { datasetTable } from "../helpers/dataset-rows";

describe("the seeded demo database", () => {
  it("has the four demo users with their roles, all active, their passwords usable as published", async () => {
    const users = await prisma().user.findMany({
      where: { email: { endsWith: "@outport.local" } },
      orderBy: { id: "asc" },
      select: { email: true, role: true, active: true, mustChangePassword: true },
    });
    expect(users).toEqual([
      { email: "admin@outport.local", role: "admin", active: true, mustChangePassword: false },
      { email: "manager@outport.local", role: "manager", active: true, mustChangePassword: false },
      { email: "manager2@outport.local", role: "manager", active: true, mustChangePassword: false },
      { email: "viewer@outport.local", role: "viewer", active: true, mustChangePassword: false },
    ]);
    expect(await isDatabaseEmpty(prisma())).toBe(false);
  });

  it("stores passwords only as bcrypt hashes", async () => {
    const users = await prisma().user.findMany({ select: { passwordHash: true } });
    for (const { passwordHash } of users) {
      expect(passwordHash).toMatch(/^\$2[aby]\$10\$/);
      expect(passwordHash).not.toContain("outport-");
    }
  });

  it("has the six datasets with owners, and record counts that match their rows", async () => {
    const { rows } = await pgPool().query<{ title: string; owner: string; record_count: number; rows_table: string }>(
      `SELECT d.title, u.email AS owner, d.record_count, d.rows_table
         FROM datasets d JOIN users u ON u.id = d.owner_id ORDER BY d.id`,
    );
    const counted = [];
    for (const r of rows) {
      const { rows: actual } = await pgPool().query<{ n: string }>(
        `SELECT count(*) AS n FROM ${tableSql(r.rows_table)}`,
      );
      counted.push([r.title, r.owner, r.record_count, Number(actual[0]?.n)]);
    }
    expect(counted).toEqual([
      ["Q1 Sales", "manager@outport.local", 3500, 3500],
      ["Student Enrollment 2024", "manager@outport.local", 8500, 8500],
      ["Course Evaluations", "manager@outport.local", 1200, 1200],
      ["All Students 2024-2025", "admin@outport.local", 75000, 75000],
      ["Evaluation Results", "admin@outport.local", 10000, 10000],
      ["Agent Interactions (confidential)", "admin@outport.local", 2000, 2000],
    ]);
    // Nothing is left in release 1's storage.
    const { rows: left } = await pgPool().query<{ n: string }>("SELECT count(*) AS n FROM records");
    expect(Number(left[0]?.n)).toBe(0);
    const manager2 = await prisma().user.findUniqueOrThrow({
      where: { email: "manager2@outport.local" },
      include: { datasets: true },
    });
    expect(manager2.datasets).toEqual([]);
  });

  it("keeps the columns in order, typed, with the sensitive flags", async () => {
    const dataset = await prisma().dataset.findFirstOrThrow({
      where: { title: "Agent Interactions (confidential)" },
      include: { columns: { orderBy: { position: "asc" } } },
    });
    expect(dataset.columns.map((c) => c.key)).toEqual([
      "interaction_id",
      "agent_name",
      "user_email",
      "channel",
      "prompt",
      "response_time_ms",
      "satisfaction",
      "api_key",
      "session_token",
      "created_at",
      "metadata",
    ]);
    expect(dataset.columns.filter((c) => c.sensitive).map((c) => c.key)).toEqual(["api_key", "session_token"]);
    expect(dataset.columns.find((c) => c.key === "metadata")?.type).toBe("json");
  });

  it("stores the text exactly: probes, Unicode, quotes and line breaks survive the round trip", async () => {
    const courses = await datasetTable("Course Evaluations");
    const { rows } = await pgPool().query<{ v: string }>(
      `SELECT DISTINCT ${courses.column("comment")} AS v FROM ${courses.table}`,
    );
    const comments = rows.map((r) => r.v);
    expect(comments).toContain("=cmd|' /C calc'!A0");
    expect(comments).toContain("\tindented with a tab");
    expect(comments).toContain("정말 유익한 수업이었습니다. 추천합니다!");
    expect(comments).toContain("Too much homework, but I learned a lot,\nespecially in the second half.");
    expect(comments).toContain('The instructor said "read chapter 4" — the best advice I got.');
  });

  it("keeps rows in insertion order by row id (what the export order relies on)", async () => {
    const sales = await datasetTable("Q1 Sales");
    const { rows } = await pgPool().query<{ order_id: string }>(
      `SELECT ${sales.column("order_id")} AS order_id FROM ${sales.table} ORDER BY row_id LIMIT 3`,
    );
    expect(rows.map((r) => r.order_id)).toEqual(["SO-2025-00001", "SO-2025-00002", "SO-2025-00003"]);
  });

  it("has the indexes the export path needs: each rows table's row id, and its date column", async () => {
    const { rows: datasets } = await pgPool().query<{ id: number; rows_table: string; date_column: string | null }>(
      "SELECT id, rows_table, date_column FROM datasets ORDER BY id",
    );
    expect(datasets.length).toBe(6);
    for (const { id, rows_table, date_column } of datasets) {
      const { rows } = await pgPool().query<{ indexdef: string }>(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = 'dataset_rows' AND tablename = $1",
        [rows_table],
      );
      const indexed = rows.map((r) => /USING btree \((.+)\)$/.exec(r.indexdef)?.[1]);
      const { column } = await datasetTable(id);
      expect(indexed, rows_table).toContain("row_id");
      if (date_column)
        expect(indexed, `${rows_table} ${date_column}`).toContain(column(date_column).replaceAll('"', ""));
    }
    const { rows } = await pgPool().query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE tablename = 'export_jobs'",
    );
    expect(rows.some((r) => /ON public\.export_jobs .*\(user_id, status\)/.test(r.indexdef))).toBe(true);
  });

  it("off loopback, flags the demo accounts that still use their published passwords, and only those", async () => {
    const client = await pgPool().connect();
    try {
      await client.query("BEGIN");
      await client.query("UPDATE users SET password_hash = $1 WHERE email = 'viewer@outport.local'", [
        await hashPassword("a password nobody published"),
      ]);
      const flagged = await lockPublishedDemoPasswords(client);
      expect(flagged.sort()).toEqual(["admin@outport.local", "manager2@outport.local", "manager@outport.local"]);
      const { rows } = await client.query<{ email: string; must: boolean }>(
        "SELECT email, must_change_password AS must FROM users WHERE email LIKE '%@outport.local' ORDER BY email",
      );
      expect(rows.find((r) => r.email === "viewer@outport.local")?.must).toBe(false);
      expect(rows.find((r) => r.email === "manager@outport.local")?.must).toBe(true);
      expect(await lockPublishedDemoPasswords(client)).toEqual([]);
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  });
});
