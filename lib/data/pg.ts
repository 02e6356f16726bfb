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
    // A client checked out when its server goes away (a restart, a failover) emits the
    // error on itself, where the pool no longer listens: without a listener of its own that
    // ends the process. The query in flight still fails with it, so its caller (a job's
    // attempt, a request) handles it; the client is then discarded by its release.
    pool.on("connect", (client) => {
      client.on("error", (error) => {
        if (!pool.ending) console.error("postgres connection lost:", error.message);
      });
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

/**
 * Runs `work` while this process holds the session advisory lock (namespace, key) on a
 * connection of its own, or skips it (null) when another process holds it: work that must
 * not run twice at once across processes. A process that dies lets go with its connection.
 */
export async function whileHoldingLock<T>(namespace: number, key: number, work: () => Promise<T>): Promise<T | null> {
  const client = await pgPool().connect();
  let held = false;
  try {
    const { rows } = await client.query<{ held: boolean }>("SELECT pg_try_advisory_lock($1, $2) AS held", [
      namespace,
      key,
    ]);
    held = rows[0]?.held === true;
    if (!held) return null;
    return await work();
  } finally {
    let unlocked = true;
    if (held) {
      unlocked = await client.query("SELECT pg_advisory_unlock($1, $2)", [namespace, key]).then(
        () => true,
        () => false,
      );
    }
    // A connection that may still hold the lock is closed, not handed back to the pool.
    client.release(unlocked ? undefined : new Error("advisory lock not released"));
  }
}

const CONNECTION_LOSS_CODES = new Set(["57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006"]);
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT"]);

/** Whether an error says the database went away (restarting, unreachable), not that a statement was wrong. */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (CONNECTION_LOSS_CODES.has(code) || SOCKET_CODES.has(code))) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(error.message);
}
