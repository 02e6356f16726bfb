// Reads a query's output with COPY … TO STDOUT, chunk by chunk, only as fast as the caller
// pulls (the socket is not read while a chunk waits). When the caller stops early — it
// returns, throws or its signal aborts — the COPY is cancelled on the server
// (pg_cancel_backend) and what is still in flight is read and dropped until PostgreSQL
// confirms the cancel, so the connection is left idle and clean for its owner to release.
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { databaseUrl } from "../../config";

export type CopyState = {
  /** Set when the connection could not be brought back to a known state: release it as broken. */
  broken: boolean;
};

const DRAIN_LIMIT_MS = 10_000;

function abortPromise(signal: AbortSignal | undefined): { promise: Promise<"aborted">; dispose: () => void } {
  if (!signal) return { promise: new Promise(() => {}), dispose: () => {} };
  let onAbort = () => {};
  const promise = new Promise<"aborted">((resolve) => {
    onAbort = () => resolve("aborted");
    if (signal.aborted) resolve("aborted");
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  return { promise, dispose: () => signal.removeEventListener("abort", onAbort) };
}

/**
 * Sends the cancel for the client's running statement, from a connection of its own: not one
 * of the pool's, which may all be held by reads being stopped, each waiting for this cancel.
 */
async function cancelBackend(client: pg.PoolClient): Promise<void> {
  const pid = (client as unknown as { processID?: number }).processID;
  if (typeof pid !== "number") throw new Error("the connection has no backend process id");
  const canceller = new pg.Client({ connectionString: databaseUrl() });
  canceller.on("error", () => {}); // a lost canceller must not crash the process; the drain decides
  await canceller.connect();
  try {
    await canceller.query("SELECT pg_cancel_backend($1)", [pid]);
  } finally {
    await canceller.end().catch(() => {});
  }
}

/** `COPY (query) TO STDOUT options` as a stream of chunks (row boundaries fall anywhere). */
export async function* copyOut(
  client: pg.PoolClient,
  query: string,
  options: string,
  { signal, state }: { signal?: AbortSignal; state: CopyState },
): AsyncGenerator<Buffer> {
  signal?.throwIfAborted();
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT ${options}`));
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const abort = abortPromise(signal);
  let finished = false;
  let pending: Promise<IteratorResult<Buffer>> | null = null;
  try {
    for (;;) {
      pending = chunks.next();
      let next: IteratorResult<Buffer> | "aborted";
      try {
        next = await Promise.race([pending, abort.promise]);
      } catch (error) {
        // Only the stream rejects: the COPY failed on the server and has ended, the
        // connection is back in pg's hands (nothing to cancel, nothing to drain).
        finished = true;
        throw error;
      }
      if (next === "aborted") signal?.throwIfAborted();
      else {
        pending = null;
        if (next.done) {
          finished = true;
          return;
        }
        yield next.value;
      }
    }
  } finally {
    abort.dispose();
    if (!finished) await stopCopy(client, chunks, pending, state);
  }
}

/** Cancels a COPY still running and reads what it still sends until it ends. */
async function stopCopy(
  client: pg.PoolClient,
  chunks: AsyncIterator<Buffer>,
  pending: Promise<IteratorResult<Buffer>> | null,
  state: CopyState,
): Promise<void> {
  const deadline = Date.now() + DRAIN_LIMIT_MS;
  try {
    await cancelBackend(client);
    let step = pending ?? chunks.next();
    for (;;) {
      const result = await step;
      if (result.done) return; // it ended before the cancel came
      if (Date.now() > deadline) throw new Error("the cancelled COPY did not stop");
      step = chunks.next();
    }
  } catch (error) {
    // The expected end: PostgreSQL's "canceling statement due to user request".
    if ((error as { code?: string }).code !== "57014") state.broken = true;
  }
}
