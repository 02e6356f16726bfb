// `npm run db:seed` – gives an empty database its first data by the launcher's rule
// (lib/data/seed/initial-data.ts): the demo data when the app is to listen on loopback
// (HOST) with the embedded database, otherwise one admin account, and the demo only with
// OUTPORT_DEMO=1. `npm run db:seed -- --reset` wipes every table first (the schema stays).
import { openDatabase } from "../lib/data/bootstrap";
import { closePgPool, pgPool } from "../lib/data/pg";
import { disconnectPrisma, prisma } from "../lib/data/prisma";
import { InitialDataError, planInitialData } from "../lib/data/seed/initial-data";
import { isDatabaseEmpty, loadInitialData, wipeAllData } from "../lib/data/seed/seed";

const log = (line: string) => console.log(`[seed] ${line}`);
const reset = process.argv.includes("--reset");

let plan;
try {
  // Before openDatabase, which sets DATABASE_URL to the embedded server's.
  plan = planInitialData({ host: process.env.HOST, embedded: !process.env.DATABASE_URL, env: process.env });
} catch (error) {
  if (!(error instanceof InitialDataError)) throw error;
  console.error(`[seed] ${error.message}`);
  process.exit(1);
}

const db = await openDatabase(log);
try {
  if (reset) {
    await wipeAllData(pgPool());
    log("All data removed.");
  }
  if (await isDatabaseEmpty(prisma())) {
    await loadInitialData(prisma(), pgPool(), plan, log);
  } else {
    log(
      "The database already has data; nothing loaded. Use `npm run db:seed -- --reset` to wipe it and load it again.",
    );
  }
} finally {
  await disconnectPrisma();
  await closePgPool();
  await db.stop();
}
