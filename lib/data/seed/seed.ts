// Gives an empty database what planInitialData (./initial-data.ts) decided: the demo data
// (lib/data/seed/demo-datasets.ts), one admin account, or both.
import type pg from "pg";
import { generatePassword, hashPassword, verifyPassword } from "../../auth/password";
import { migratedTables } from "../migrate";
import type { PrismaClient } from "../../generated/prisma/client";
import { loadDatasetRows } from "../../datasets/dataset-rows";
import { dropAllRowsTables } from "../../sources/typed/rows-table";
import { DEMO_DATASETS, DEMO_USERS, demoRows } from "./demo-datasets";
import type { InitialAdmin, InitialData } from "./initial-data";

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
  await dropAllRowsTables(pool);
}

/**
 * Loads the demo users and datasets. With `mustChangePassword` (the demo run where others
 * can reach it), each demo user must change the published password at first sign-in.
 */
export async function seedDemoData(
  db: PrismaClient,
  pool: pg.Pool,
  log: (line: string) => void = () => {},
  { mustChangePassword = false }: { mustChangePassword?: boolean } = {},
) {
  const started = Date.now();
  const users = new Map<string, number>();
  const hashes = await Promise.all(DEMO_USERS.map((user) => hashPassword(user.password)));
  for (const [index, user] of DEMO_USERS.entries()) {
    const created = await db.user.create({
      data: {
        email: user.email,
        name: user.name,
        role: user.role,
        passwordHash: hashes[index] ?? "",
        mustChangePassword,
      },
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
        recordCount: 0,
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
    await loadDatasetRows(created.id, demoRows(dataset, BATCH_SIZE));
    log(`  ${dataset.title}: ${dataset.rows.toLocaleString("en")} rows`);
  }
  log(`Demo data loaded in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

/**
 * Creates the first admin account. Its password is the one given, or a generated one that
 * is returned (for the caller to show once; only its hash is kept) and must be changed at
 * first sign-in.
 */
export async function createInitialAdmin(
  db: PrismaClient,
  admin: InitialAdmin,
): Promise<{ id: number; email: string; generatedPassword: string | null }> {
  const generatedPassword = admin.password === null ? generatePassword() : null;
  const created = await db.user.create({
    data: {
      email: admin.email,
      name: "Administrator",
      role: "admin",
      passwordHash: await hashPassword(admin.password ?? generatedPassword ?? ""),
      mustChangePassword: admin.mustChangePassword,
    },
  });
  return { id: created.id, email: created.email, generatedPassword };
}

/**
 * Loads what the plan says into an empty database, telling `log` what it did. A generated
 * password is written to `log` here, and nowhere else, ever.
 */
export async function loadInitialData(
  db: PrismaClient,
  pool: pg.Pool,
  plan: InitialData,
  log: (line: string) => void = () => {},
): Promise<void> {
  if (plan.demo) {
    log(
      plan.demo.mustChangePassword
        ? "Empty database: loading the demo data; its accounts must change their passwords at first sign-in …"
        : "Empty database: loading the demo data …",
    );
    await seedDemoData(db, pool, log, plan.demo);
  }
  if (plan.admin) {
    const admin = await createInitialAdmin(db, plan.admin);
    if (admin.generatedPassword) {
      log(`Created the admin account ${admin.email} with the password below, shown this once.`);
      log(`  password: ${admin.generatedPassword}`);
      log("Sign in with it and choose a new password (required at first sign-in).");
    } else {
      log(`Created the admin account ${admin.email} with the password in OUTPORT_ADMIN_PASSWORD.`);
    }
  }
}

/**
 * Off loopback (the app reachable by others), every demo account still using its published
 * password must change it at its next sign-in: a database seeded by a local `npm start` and
 * later served on another HOST is no way around the first-start rule. Returns the e-mails
 * flagged now.
 */
export async function lockPublishedDemoPasswords(pool: Pick<pg.Pool, "query">): Promise<string[]> {
  const { rows } = await pool.query<{ id: number; email: string; password_hash: string }>(
    `SELECT id, email, password_hash FROM users WHERE email = ANY($1) AND NOT must_change_password`,
    [DEMO_USERS.map((user) => user.email)],
  );
  const flagged: string[] = [];
  for (const row of rows) {
    const demo = DEMO_USERS.find((user) => user.email === row.email);
    if (!demo || !(await verifyPassword(demo.password, row.password_hash))) continue;
    await pool.query(`UPDATE users SET must_change_password = true WHERE id = $1 AND password_hash = $2`, [
      row.id,
      row.password_hash,
    ]);
    flagged.push(row.email);
  }
  return flagged;
}
