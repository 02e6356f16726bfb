// The committed migrations, applied by the Prisma CLI through the driver-adapter shim in
// prisma.config.ts, must build exactly the schema in prisma/schema.prisma. A dependency
// bump that breaks the shim, or a schema change without a migration, fails here.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { runPrismaCli } from "@/lib/data/migrate";
import { wipeAllData } from "@/lib/data/seed/seed";
import { onServer } from "../helpers/server-admin";

const serverUrl = new URL(inject("databaseUrl"));
const name = `migrations_check_${process.pid}`;
const emptyUrl = new URL(serverUrl);
emptyUrl.pathname = `/${name}`;
const env = { DATABASE_URL: emptyUrl.toString() };
let tmp = "";

const admin = <T>(work: (client: pg.Client) => Promise<T>) => onServer(serverUrl, work);

/** The live database's schema as Prisma sees it, diffed against the committed schema. */
async function driftFromSchema(): Promise<number> {
  const pulled = await runPrismaCli(["db", "pull", "--print"], env);
  expect(pulled.code, pulled.output).toBe(0);
  const introspected = pulled.output.slice(pulled.output.indexOf("generator client"));
  const file = path.join(tmp, "introspected.prisma");
  await writeFile(file, introspected);
  const diff = await runPrismaCli(
    [
      "migrate",
      "diff",
      "--from-schema-datamodel",
      file,
      "--to-schema-datamodel",
      "prisma/schema.prisma",
      "--exit-code",
    ],
    env,
  );
  return diff.code;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "outport-migrations-"));
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
});

afterAll(async () => {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  await rm(tmp, { recursive: true, force: true });
});

describe("database migrations", () => {
  it("apply to an empty database and leave no drift from the schema", async () => {
    const deploy = await runPrismaCli(["migrate", "deploy"], env);
    expect(deploy.code, deploy.output).toBe(0);
    expect(deploy.output).toContain("All migrations have been successfully applied");

    const status = await runPrismaCli(["migrate", "status"], env);
    expect(status.code, status.output).toBe(0);
    expect(status.output).toContain("Database schema is up to date");

    // Migrations replayed in a shadow database vs. the schema file.
    const fromMigrations = await runPrismaCli(
      [
        "migrate",
        "diff",
        "--from-migrations",
        "prisma/migrations",
        "--to-schema-datamodel",
        "prisma/schema.prisma",
        "--exit-code",
      ],
      env,
    );
    expect(fromMigrations.code, fromMigrations.output).toBe(0);

    // The migrated database itself vs. the schema file.
    expect(await driftFromSchema()).toBe(0);

    // The shadow databases of the diff are cleaned up.
    const leftovers = await admin((c) =>
      c.query("SELECT datname FROM pg_database WHERE datname LIKE 'prisma_shadow_%'"),
    );
    expect(leftovers.rows).toEqual([]);
  });

  it("notices drift (the check is not vacuous)", async () => {
    const client = new pg.Client({ connectionString: emptyUrl.toString() });
    await client.connect();
    await client.query("ALTER TABLE users ADD COLUMN nickname text");
    await client.end();
    expect(await driftFromSchema()).toBe(2);
  });

  it("are kept by the reset, which empties every table they create and nothing else", async () => {
    const pool = new pg.Pool({ connectionString: emptyUrl.toString() });
    try {
      await pool.query(
        `INSERT INTO users (email, name, password_hash, role, updated_at) VALUES ('wipe@outport.invalid', 'W', '!', 'viewer', now())`,
      );
      await pool.query(`INSERT INTO audit_events (action, details) VALUES ('login_failed', '{}')`);
      await pool.query("CREATE TABLE not_outports (id int)");
      await pool.query("INSERT INTO not_outports VALUES (1)");
      await wipeAllData(pool);
      const { rows: others } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM not_outports");
      expect(others[0]?.n).toBe(1);
      await pool.query("DROP TABLE not_outports");
      const { rows: tables } = await pool.query<{ name: string }>(
        "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'",
      );
      expect(tables.length).toBeGreaterThan(5);
      for (const { name: table } of tables) {
        const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`);
        expect(rows[0]?.n, table).toBe(0);
      }
      const { rows: applied } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM _prisma_migrations");
      expect(applied[0]?.n).toBeGreaterThan(0);
    } finally {
      await pool.end();
    }
  });
});
