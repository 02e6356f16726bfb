// Runs before each `db` test file: points the app's modules at the test database.
import { afterAll, inject } from "vitest";
import { closePgPool } from "../../lib/data/pg";
import { disconnectPrisma } from "../../lib/data/prisma";
import { stopJobQueue } from "../../lib/jobs/queue";

process.env.DATABASE_URL = inject("databaseUrl");
process.env.NEXTAUTH_SECRET = "outport-test-secret";
// As under our HTTP server: the tests name the client's address in its peer header.
process.env.OUTPORT_EDGE_PEER = "1";

afterAll(async () => {
  // A test that queued a job started pg-boss in this process (timers and its own pool).
  await stopJobQueue({ graceful: false });
  await disconnectPrisma();
  await closePgPool();
});
