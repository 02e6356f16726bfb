// A plain `pg` pool for the hot paths Prisma is too slow for (export reads, bulk seeding).
import pg from "pg";
import { databaseUrl } from "../config";

const globalForPg = globalThis as unknown as { outportPgPool?: pg.Pool };

export function pgPool(): pg.Pool {
  if (!globalForPg.outportPgPool) {
    const pool = new pg.Pool({ connectionString: databaseUrl(), max: 10, idleTimeoutMillis: 30_000 });
    // An idle client that loses its server must not crash the process. Once the pool is
    // ending, end() has already resolved while its sockets still close: a server stopping
    // right after (the embedded one, at shutdown) is expected, not worth a line.
    pool.on("error", (error) => {
      if (!pool.ending) console.error("postgres pool error:", error.message);
    });
    globalForPg.outportPgPool = pool;
  }
  return globalForPg.outportPgPool;
}

export async function closePgPool(): Promise<void> {
  await globalForPg.outportPgPool?.end();
  globalForPg.outportPgPool = undefined;
}

/** Something that runs a query: the pool, or a client inside a caller's transaction. */
export type Db = Pick<pg.Pool | pg.PoolClient, "query">;

/** Runs `work` in one transaction on one pooled connection: committed if it resolves, else rolled back. */
export async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pgPool().connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
