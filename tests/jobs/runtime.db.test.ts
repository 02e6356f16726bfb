// The job runtime with a job type of the test suite's own — its own table, queue and
// payload — proving that a second definition needs no change to lib/jobs: it runs to
// completion with progress, is cancelled mid-run, is retried after a transient failure,
// fails for good (at once, or once its attempts are used up), is recovered after its
// worker's lease runs out, is handed back on shutdown, and a row it cannot read fails
// cleanly. Runs on its own copy of the database, with no other workers.
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { inTransaction, pgPool, type Db } from "@/lib/data/pg";
import { defineJob, JobFailure, type FailureReport } from "@/lib/jobs/job-definition";
import { cancelJob, claimJob, reapJobs } from "@/lib/jobs/job-table";
import { dispatchJob, QUEUE_SCHEMA, stopJobQueue } from "@/lib/jobs/queue";
import { runJob, type RunOutcome } from "@/lib/jobs/run-job";
import { startWorker, type Worker } from "@/lib/jobs/worker";
import { waitUntil } from "../helpers/wait";
import { createTestJobTable } from "../helpers/job-table";

process.env.DATABASE_URL = inject("jobsDatabaseUrl");

const TABLE = "test_runtime_jobs";
const QUEUE = "test-runtime";

const BEHAVIOURS = ["succeed", "fail-once", "fail-always", "refuse", "slow", "refuse-late", "record-broken"] as const;
type Behaviour = (typeof BEHAVIOURS)[number];

const failures: Array<{ id: string; payload: unknown; failure: FailureReport }> = [];
const runs: Array<{ id: string; attempt: number }> = [];
/** What a write made alongside a completion or a failure saw: the row in its transaction, and outside it. */
const alongside: Array<{ id: string; inside: string; outside: string }> = [];

/** Makes every record of a failure throw, as a database that refuses the insert would. */
let recordsBroken = false;

async function witness(id: string, db: Db): Promise<void> {
  const status = async (on: Db) =>
    (await on.query<{ status: string }>(`SELECT status FROM ${TABLE} WHERE id = $1`, [id])).rows[0]?.status ?? "";
  alongside.push({ id, inside: await status(db), outside: await status(pgPool()) });
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/** The test job type: counts to `steps`, behaving as its row says. */
const testJob = defineJob({
  name: QUEUE,
  table: TABLE,
  payload: z.object({ behaviour: z.enum(BEHAVIOURS), steps: z.number().int() }),
  async run({ behaviour, steps }, helpers) {
    runs.push({ id: helpers.job.id, attempt: helpers.job.attempt });
    if (behaviour === "refuse") throw new JobFailure("job.error.notAllowed");
    if (behaviour === "fail-always") throw new Error("a transient failure, every time");
    if (behaviour === "fail-once" && helpers.job.attempt === 1) throw new Error("a transient failure, once");
    helpers.progress(0, steps);
    await helpers.beat();
    for (let step = 1; step <= steps; step++) {
      await sleep(behaviour === "slow" ? 100 : 5, helpers.signal);
      helpers.progress(step);
    }
    // Refused after the work, before any heartbeat could write it.
    if (behaviour === "refuse-late") throw new JobFailure("job.error.notAllowed");
    await helpers.complete({ result: `counted to ${steps} on attempt ${helpers.job.attempt}` }, async (db) => {
      await witness(helpers.job.id, db);
      // A record that cannot be written takes the completion back with it.
      if (behaviour === "record-broken") throw new Error("the record could not be written");
    });
  },
  async recordFailure(job, _failure, db) {
    await witness(job.id, db);
    if (recordsBroken) throw new Error("the record could not be written");
  },
  async onFailed(job, failure) {
    failures.push({ id: job.id, payload: job.payload, failure });
  },
});

const OPTIONS = { heartbeatMs: 50, leaseSeconds: 1, pollMs: 500, maxAttempts: 3, retryDelaySeconds: 0 } as const;

type Row = {
  status: string;
  attempts: number;
  progress: number;
  processed_rows: number;
  total_rows: number | null;
  error_message: string | null;
  result: string | null;
};

async function create(behaviour: Behaviour | "nonsense", steps = 20): Promise<string> {
  return inTransaction(async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO ${TABLE} (behaviour, steps) VALUES ($1, $2) RETURNING id`,
      [behaviour, steps],
    );
    const id = rows[0]?.id ?? "";
    await dispatchJob(client, QUEUE, id);
    return id;
  });
}

async function row(id: string): Promise<Row> {
  const { rows } = await pgPool().query<Row>(`SELECT * FROM ${TABLE} WHERE id = $1`, [id]);
  if (!rows[0]) throw new Error(`no job ${id}`);
  return rows[0];
}

beforeAll(async () => {
  // A job table: the runtime's lifecycle columns, and this type's own (behaviour, steps, result).
  await createTestJobTable(TABLE, "behaviour text NOT NULL, steps int NOT NULL, result text");
});

afterAll(async () => {
  await pgPool().query(`DROP TABLE IF EXISTS ${TABLE}`);
  await stopJobQueue({ graceful: false });
});

beforeEach(() => {
  failures.length = 0;
  runs.length = 0;
  alongside.length = 0;
});

describe("a job type of the test suite's own, on a worker", () => {
  let worker: Worker;
  const outcomes = new Map<string, RunOutcome[]>();
  const outcomesOf = async (id: string) => outcomes.get(id) ?? [];

  beforeAll(async () => {
    worker = await startWorker([testJob], {
      ...OPTIONS,
      concurrency: 2,
      onOutcome: (id, outcome, type) => {
        if (type === QUEUE) outcomes.set(id, [...(outcomes.get(id) ?? []), outcome]);
      },
    });
  });
  afterAll(async () => {
    await worker.stop();
  });

  it("runs to completion with its own columns, progress that never goes down, and a heartbeat", async () => {
    const id = await create("slow", 10);
    const seen = await waitUntil(
      () => row(id),
      (r) => r.status === "completed",
      15_000,
      20,
    );
    const done = seen.at(-1);
    expect(done).toMatchObject({
      status: "completed",
      attempts: 1,
      progress: 100,
      result: "counted to 10 on attempt 1",
    });
    expect(seen.some((r) => r.status === "processing" && r.progress > 0 && r.progress < 100)).toBe(true);
    const progress = seen.map((r) => r.progress);
    progress.slice(1).forEach((p, i) => expect(p).toBeGreaterThanOrEqual(progress[i] ?? 0));
    expect(seen.find((r) => r.status === "processing" && r.total_rows !== null)?.total_rows).toBe(10);
    expect(await outcomesOf(id)).toEqual(["completed"]);
    // The definition's record of the completion was written in the completion's transaction.
    expect(alongside).toEqual([{ id, inside: "completed", outside: "processing" }]);
  });

  it("does not complete a job whose record of the completion cannot be written", async () => {
    const id = await create("record-broken", 2);
    await waitUntil(
      () => row(id),
      (r) => r.status === "failed",
      15_000,
    );
    // Every attempt's completion was rolled back with its record: no result, and the job failed for good.
    expect(await row(id)).toMatchObject({ attempts: 3, result: null, error_message: "job.error.unexpected" });
    expect(await outcomesOf(id)).toEqual(["retrying", "retrying", "failed"]);
    expect(alongside.filter((a) => a.inside === "completed")).toHaveLength(3);
    expect(alongside.at(-1)).toEqual({ id, inside: "failed", outside: "processing" });
  });

  it("stops a running job within a heartbeat or two of its cancellation", async () => {
    const id = await create("slow", 200);
    await waitUntil(
      () => row(id),
      (r) => r.status === "processing" && r.processed_rows > 0,
    );
    const asked = Date.now();
    expect(await cancelJob(TABLE, id)).toBe(true);
    await waitUntil(outcomesOf.bind(null, id), (o) => o.length > 0, 5_000, 10);
    expect(Date.now() - asked).toBeLessThan(2_000);
    expect(await outcomesOf(id)).toEqual(["stopped"]);
    expect(await row(id)).toMatchObject({ status: "cancelled", result: null });
    expect(await cancelJob(TABLE, id)).toBe(false);
  });

  it("retries a transient failure, and the next attempt completes", async () => {
    const id = await create("fail-once");
    await waitUntil(
      () => row(id),
      (r) => r.status === "completed",
      15_000,
    );
    expect(await row(id)).toMatchObject({ attempts: 2, result: "counted to 20 on attempt 2" });
    expect(await outcomesOf(id)).toEqual(["retrying", "completed"]);
    expect(failures).toEqual([]);
  });

  it("fails for good once its attempts are used up, and tells the definition", async () => {
    const id = await create("fail-always");
    await waitUntil(
      () => row(id),
      (r) => r.status === "failed",
      15_000,
    );
    expect(await row(id)).toMatchObject({ attempts: 3, error_message: "job.error.unexpected" });
    expect(await outcomesOf(id)).toEqual(["retrying", "retrying", "failed"]);
    expect(failures).toEqual([
      {
        id,
        payload: { behaviour: "fail-always", steps: 20 },
        failure: expect.objectContaining({ message: "job.error.unexpected", attempt: 3 }),
      },
    ]);
  });

  it("fails at once, with the definition's own words, when no retry can help", async () => {
    const id = await create("refuse");
    await waitUntil(
      () => row(id),
      (r) => r.status === "failed",
    );
    expect(await row(id)).toMatchObject({ attempts: 1, error_message: "job.error.notAllowed" });
    expect(runs.filter((r) => r.id === id)).toHaveLength(1);
    expect(failures.map((f) => f.failure.message)).toEqual(["job.error.notAllowed"]);
    // The definition's record of the failure was written in the failure's transaction.
    expect(alongside).toEqual([{ id, inside: "failed", outside: "processing" }]);
  });

  it("still fails a job, in its own words, and cleans up when its record of the failure cannot be written", async () => {
    recordsBroken = true;
    try {
      const id = await create("refuse");
      await waitUntil(
        () => row(id),
        (r) => r.status === "failed",
      );
      expect(await row(id)).toMatchObject({ attempts: 1, error_message: "job.error.notAllowed" });
      expect(await outcomesOf(id)).toEqual(["failed"]);
      expect(failures.map((f) => f.id)).toEqual([id]);
    } finally {
      recordsBroken = false;
    }
  });

  it("fails a job with the rows it had done, the same count on the row and in the report", async () => {
    const id = await create("refuse-late", 3);
    await waitUntil(
      () => row(id),
      (r) => r.status === "failed",
    );
    expect(await row(id)).toMatchObject({ status: "failed", processed_rows: 3, error_message: "job.error.notAllowed" });
    expect(failures).toEqual([{ id, payload: expect.anything(), failure: expect.objectContaining({ processed: 3 }) }]);
  });

  it("fails a job whose row it cannot read, without running it", async () => {
    const id = await create("nonsense");
    await waitUntil(
      () => row(id),
      (r) => r.status === "failed",
    );
    expect(await row(id)).toMatchObject({ error_message: "job.error.unreadable" });
    expect(runs.filter((r) => r.id === id)).toEqual([]);
    expect(failures).toEqual([{ id, payload: null, failure: expect.objectContaining({ attempt: 1 }) }]);
  });

  it("runs a job again once the lease of the worker that had it runs out", async () => {
    const id = await create("succeed");
    await waitUntil(
      () => row(id),
      (r) => r.status === "completed",
    );
    // As if a worker had claimed it again and died 60 s ago, before finishing.
    await pgPool().query(
      `UPDATE ${TABLE} SET status = 'processing', attempts = 1, result = NULL,
              heartbeat_at = now() - interval '60 seconds' WHERE id = $1`,
      [id],
    );
    await worker.reap();
    await waitUntil(
      () => row(id),
      (r) => r.status === "completed",
    );
    expect(await row(id)).toMatchObject({ attempts: 2, result: "counted to 20 on attempt 2" });
  });

  it("tells the definition when the reaper fails a job whose last worker died", async () => {
    const id = await create("succeed");
    await waitUntil(
      () => row(id),
      (r) => r.status === "completed",
    );
    await pgPool().query(
      `UPDATE ${TABLE} SET status = 'processing', attempts = 3, heartbeat_at = now() - interval '60 seconds'
        WHERE id = $1`,
      [id],
    );
    alongside.length = 0;
    await worker.reap();
    expect(await row(id)).toMatchObject({ status: "failed", error_message: "job.error.workerLost" });
    // Its record was written in the reaper's transaction.
    expect(alongside).toEqual([{ id, inside: "failed", outside: "processing" }]);
    expect(failures).toEqual([
      {
        id,
        payload: { behaviour: "succeed", steps: 20 },
        failure: expect.objectContaining({ message: "job.error.workerLost", attempt: 3 }),
      },
    ]);
  });

  it("reaps the others, and still fails a lost job, when one's record of the failure cannot be written", async () => {
    const lost = await create("succeed");
    const stalled = await create("succeed");
    await waitUntil(
      () => Promise.all([row(lost), row(stalled)]),
      (rows) => rows.every((r) => r.status === "completed"),
    );
    await pgPool().query(
      `UPDATE ${TABLE} SET status = 'processing', attempts = 3, heartbeat_at = now() - interval '60 seconds' WHERE id = $1`,
      [lost],
    );
    await pgPool().query(
      `UPDATE ${TABLE} SET status = 'processing', attempts = 1, heartbeat_at = now() - interval '60 seconds' WHERE id = $1`,
      [stalled],
    );
    recordsBroken = true;
    try {
      await worker.reap();
    } finally {
      recordsBroken = false;
    }
    expect(await row(lost)).toMatchObject({ status: "failed", error_message: "job.error.workerLost" });
    expect(failures.map((f) => f.id)).toEqual([lost]);
    // The other job was handed back in the same reap, and runs again.
    await waitUntil(
      () => row(stalled),
      (r) => r.status === "completed" && r.attempts === 2,
      15_000,
    );
  });
});

/** The queue's messages for a job, oldest first: their states. */
async function messageStates(id: string): Promise<string[]> {
  const { rows } = await pgPool().query<{ state: string }>(
    `SELECT state::text AS state FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND data->>'jobId' = $2
      ORDER BY created_on, id`,
    [QUEUE, id],
  );
  return rows.map((row) => row.state);
}

/** A worker takes the job's message (it is then active, as pg-boss' fetch leaves it) and dies, `secondsAgo`. */
async function takeMessageAndDie(id: string, secondsAgo: number): Promise<void> {
  const { rowCount } = await pgPool().query(
    `UPDATE ${QUEUE_SCHEMA}.job SET state = 'active', started_on = now() - make_interval(secs => $3)
      WHERE name = $1 AND data->>'jobId' = $2 AND state = 'created'`,
    [QUEUE, id, secondsAgo],
  );
  expect(rowCount).toBe(1);
}

describe("after a crash, the queue does not keep dead attempts active", () => {
  it("a dead attempt's message is ended when its job is handed back, and a new one is sent", async () => {
    const id = await create("succeed");
    await takeMessageAndDie(id, 60);
    expect(await claimJob(TABLE, id)).not.toBeNull();
    await pgPool().query(`UPDATE ${TABLE} SET heartbeat_at = now() - interval '60 seconds' WHERE id = $1`, [id]);
    expect(await messageStates(id)).toEqual(["active"]);
    const reaped = await reapJobs(TABLE, QUEUE, 1, 3);
    expect(reaped).toMatchObject({ requeued: [id], endedMessages: 1 });
    expect(await messageStates(id)).toEqual(["failed", "created"]);
    await cancelJob(TABLE, id);
  });

  it("so is the message of a job that failed for good with its last worker", async () => {
    const id = await create("succeed");
    await takeMessageAndDie(id, 60);
    await pgPool().query(
      `UPDATE ${TABLE} SET status = 'processing', attempts = 3, heartbeat_at = now() - interval '60 seconds'
        WHERE id = $1`,
      [id],
    );
    const reaped = await reapJobs(TABLE, QUEUE, 1, 3);
    expect(reaped.failed.map((job) => job.id)).toEqual([id]);
    expect(await messageStates(id)).toEqual(["failed"]);
  });

  it("so is one taken by a worker that died before claiming the job, which is sent again", async () => {
    const id = await create("succeed");
    await takeMessageAndDie(id, 60);
    await pgPool().query(`UPDATE ${TABLE} SET created_at = now() - interval '60 seconds' WHERE id = $1`, [id]);
    const reaped = await reapJobs(TABLE, QUEUE, 1, 3);
    expect(reaped).toMatchObject({ redispatched: [id], endedMessages: 1 });
    expect(await messageStates(id)).toEqual(["failed", "created"]);
    await cancelJob(TABLE, id);
  });

  it("so is one whose worker finished the job but died before acknowledging the message", async () => {
    const id = await create("succeed");
    await takeMessageAndDie(id, 60);
    await pgPool().query(
      `UPDATE ${TABLE} SET status = 'completed', attempts = 1, finished_at = now() - interval '30 seconds'
        WHERE id = $1`,
      [id],
    );
    expect(await reapJobs(TABLE, QUEUE, 1, 3)).toMatchObject({ requeued: [], redispatched: [], endedMessages: 1 });
    expect(await messageStates(id)).toEqual(["failed"]);
  });

  it("leaves the message of a live attempt, and of one taken within the lease, active", async () => {
    const running = await create("succeed");
    await takeMessageAndDie(running, 60);
    await claimJob(TABLE, running); // its heartbeat is fresh: the worker is alive
    const fresh = await create("succeed");
    await takeMessageAndDie(fresh, 0);
    const reaped = await reapJobs(TABLE, QUEUE, 5, 3);
    expect(reaped.endedMessages).toBe(0);
    expect(await messageStates(running)).toEqual(["active"]);
    expect(await messageStates(fresh)).toEqual(["active"]);
    for (const id of [running, fresh]) await cancelJob(TABLE, id);
  });
});

describe("the runtime without a worker", () => {
  it("fails a job whose worker died on its last attempt, when the lease runs out", async () => {
    const id = await create("succeed");
    await pgPool().query(
      `UPDATE ${TABLE} SET status = 'processing', attempts = 3, heartbeat_at = now() - interval '60 seconds'
        WHERE id = $1`,
      [id],
    );
    const reaped = await reapJobs(TABLE, QUEUE, 1, 3);
    expect(reaped.failed).toEqual([expect.objectContaining({ id, attempt: 3, row: expect.objectContaining({ id }) })]);
    expect(await row(id)).toMatchObject({ status: "failed", error_message: "job.error.workerLost" });
  });

  it("hands a running job back on shutdown, its attempt not counted", async () => {
    const id = await create("slow", 200);
    const shutdown = new AbortController();
    const running = runJob(testJob, id, { ...OPTIONS, shutdown: shutdown.signal, graceMs: 0 });
    await waitUntil(
      () => row(id),
      (r) => r.processed_rows > 0,
    );
    shutdown.abort();
    expect(await running).toBe("released");
    expect(await row(id)).toMatchObject({ status: "pending", attempts: 0 });
    // Claimed again, it is the first attempt once more; a job that is not pending is not claimed.
    await cancelJob(TABLE, id);
    expect(await runJob(testJob, id, OPTIONS)).toBe("not_claimed");
  });
});

describe("a worker given no onOutcome", () => {
  it("still waits for its running job on stop, hands it back, and leaves the live workers", async () => {
    const worker = await startWorker([testJob], { ...OPTIONS, concurrency: 1, graceMs: 0 });
    const live = async () =>
      (
        await pgPool().query(`SELECT 1 FROM worker_processes WHERE pid = $1 AND $2 = ANY(job_types)`, [
          process.pid,
          QUEUE,
        ])
      ).rowCount;
    expect(await live()).toBe(1);
    const id = await create("slow", 200);
    await waitUntil(
      () => row(id),
      (r) => r.status === "processing" && r.processed_rows > 0,
    );
    await worker.stop();
    // Handed back before stop() resolved: nothing of it is left running.
    expect(await row(id)).toMatchObject({ status: "pending", attempts: 0 });
    expect(await live()).toBe(0);
    await cancelJob(TABLE, id);
  });
});
