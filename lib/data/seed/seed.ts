// Loads the demo data (lib/data/seed/demo-datasets.ts) into an empty database.
import type pg from "pg";
import { hashPassword } from "../../auth/password";
import { migratedTables } from "../migrate";
import type { PrismaClient } from "../../generated/prisma/client";
import { copyRecords } from "../../sources/records/copy-records";
import { DEMO_DATASETS, DEMO_USERS, demoRows } from "./demo-datasets";

const BATCH_SIZE = 5000;

export async function isDatabaseEmpty(db: PrismaClient): Promise<boolean> {
  return (await db.user.count()) === 0;
}

/**
 * Removes every row of every table the migrations create (keeps the schema and the
 * migration history, and anything else that shares the database).
 */
export async function wipeAllData(pool: pg.Pool): Promise<void> {
  const tables = migratedTables().map((name) => `"${name.replaceAll('"', '""')}"`);
  if (tables.length > 0) await pool.query(`TRUNCATE ${tables.join(", ")} RESTART IDENTITY`);
}

export async function seedDemoData(db: PrismaClient, pool: pg.Pool, log: (line: string) => void = () => {}) {
  const started = Date.now();
  const users = new Map<string, number>();
  const hashes = await Promise.all(DEMO_USERS.map((user) => hashPassword(user.password)));
  for (const [index, user] of DEMO_USERS.entries()) {
    const created = await db.user.create({
      data: { email: user.email, name: user.name, role: user.role, passwordHash: hashes[index] ?? "" },
    });
    users.set(user.email, created.id);
  }

  for (const dataset of DEMO_DATASETS) {
    const ownerId = users.get(dataset.ownerEmail);
    if (ownerId === undefined) throw new Error(`Demo dataset owner ${dataset.ownerEmail} is not a demo user`);
    const created = await db.dataset.create({
      data: {
        title: dataset.title,
        description: dataset.description,
        ownerId,
        dateColumn: dataset.dateColumn,
        categoryColumn: dataset.categoryColumn,
        recordCount: dataset.rows,
        columns: {
          create: dataset.columns.map((column, position) => ({
            position,
            key: column.key,
            label: column.label,
            type: column.type,
            sensitive: column.sensitive ?? false,
          })),
        },
      },
    });
    await copyRecords(pool, created.id, demoRows(dataset, BATCH_SIZE));
    log(`  ${dataset.title}: ${dataset.rows.toLocaleString("en")} rows`);
  }
  await pool.query("ANALYZE records");
  log(`Demo data loaded in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
