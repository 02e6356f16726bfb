// `npm run db:seed` – loads the demo data into an empty database.
// `npm run db:seed -- --reset` wipes every table first (the schema stays).
import { openDatabase } from "../lib/data/bootstrap";
import { closePgPool, pgPool } from "../lib/data/pg";
import { disconnectPrisma, prisma } from "../lib/data/prisma";
import { isDatabaseEmpty, seedDemoData, wipeAllData } from "../lib/data/seed/seed";

const log = (line: string) => console.log(`[seed] ${line}`);
const reset = process.argv.includes("--reset");

const db = await openDatabase(log);
try {
  if (reset) {
    await wipeAllData(pgPool());
    log("All data removed.");
  }
  if (await isDatabaseEmpty(prisma())) {
    await seedDemoData(prisma(), pgPool(), log);
  } else {
    log(
      "The database already has data; nothing loaded. Use `npm run db:seed -- --reset` to wipe it and load the demo data again.",
    );
  }
} finally {
  await disconnectPrisma();
  await closePgPool();
  await db.stop();
}
