// An aborted COPY leaves no query in pg_stat_activity and no connection checked out. On the
// demo "All Students 2024-2025" (75,000 rows, far more than one chunk), both COPY reads of the
// typed source — csv() and rows(), and an Excel workbook written from text() — are stopped every way a caller stops them: return() after
// one chunk, an AbortSignal while reading, a consumer that throws, and the same inside a
// snapshot. After each, the pool has nobody waiting and every connection idle, PostgreSQL shows
// no session of ours running a statement or holding a transaction, and the next read on the
// same pool gets every row. A COPY that fails on the server rejects with PostgreSQL's error
// and leaves the pool clean too.
//
// This file's pool names itself (application_name) so pg_stat_activity is read for its own
// sessions only, whatever other test files run meanwhile; the check runs on a client of its own.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgPool } from "@/lib/data/pg";
import { findDataset, type DatasetInfo } from "@/lib/datasets/dataset-store";
import { ZExportOptionsSchema } from "@/lib/export/options";
import { planExport, type ExportPlan } from "@/lib/export/plan";
import { runExport } from "@/lib/export/run-export";
import { datasetSource, type DatasetReader, type DatasetSource } from "@/lib/sources";
import { waitUntil } from "../helpers/wait";

const APP = `copy-abort-${process.pid}`;
const url = new URL(process.env.DATABASE_URL!);
url.searchParams.set("application_name", APP);
process.env.DATABASE_URL = url.toString();

const TITLE = "All Students 2024-2025";
const ROWS = 75_000;
const CSV = { delimiter: "," };
// A stopped read that never settles fails its test well before the project's minute.
const STOP_TIMEOUT_MS = 20_000;

let dataset: DatasetInfo;
let source: DatasetSource;
let everything: ExportPlan;
let oneColumn: ExportPlan;
let monitor: pg.Client;

function plan(dataset: DatasetInfo, options: unknown): ExportPlan {
  return planExport(ZExportOptionsSchema.parse(options), dataset, { mayIncludeSensitive: true });
}

type Activity = { pid: number; state: string | null; query: string };
type PoolState = { total: number; idle: number; waiting: number; busy: Activity[] };

async function poolState(): Promise<PoolState> {
  const pool = pgPool();
  // Our sessions doing anything but waiting idle outside a transaction (a COPY still running,
  // a statement being cancelled, a transaction left open).
  const { rows } = await monitor.query<Activity>(
    `SELECT pid, state, query FROM pg_stat_activity
      WHERE application_name = $1 AND backend_type = 'client backend' AND state IS DISTINCT FROM 'idle'`,
    [APP],
  );
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, busy: rows };
}

/** The pool is clean (polled for up to ~2 s), and the next reads on it get every row. */
async function expectCleanPool(): Promise<void> {
  const seen = await waitUntil(
    poolState,
    (s) => s.waiting === 0 && s.idle === s.total && s.busy.length === 0,
    2_000,
    20,
  ).catch((error: Error) => {
    throw new Error(`the pool was not left clean: ${error.message}`);
  });
  expect(seen.at(-1)!.busy).toEqual([]);
  expect(await source.count(everything)).toBe(ROWS);
  let rows = 0;
  for await (const batch of source.rows(oneColumn)) rows += batch.length;
  expect(rows).toBe(ROWS);
  const state = await poolState();
  expect(state.waiting).toBe(0);
  expect(state.idle).toBe(state.total);
}

type Read = (reader: DatasetReader, signal?: AbortSignal) => AsyncGenerator<unknown>;
const READS: Array<[string, Read]> = [
  ["csv()", (reader, signal) => reader.csv(everything, CSV, { signal })],
  ["rows()", (reader, signal) => reader.rows(everything, { signal, batchSize: 100 })],
  // A workbook written from text() while the source measures its columns (extents()), as
  // every Excel export is: stopping the file stops both.
  [
    "an Excel workbook from text()",
    (reader, signal) =>
      runExport({
        format: "excel",
        columns: everything.columns,
        source: reader.rows(everything, { signal }),
        copy: {
          csv: (dialect) => reader.csv(everything, dialect, { signal }),
          text: () => reader.text(everything, { signal }),
          redacted: everything.columns.map((column) => column.redacted),
        },
        options: ZExportOptionsSchema.parse({}),
        info: { datasetTitle: TITLE, filters: "", user: "test", generatedAt: new Date(0) },
        excel: { extents: () => reader.extents(everything) },
        signal,
      }).bytes as AsyncGenerator<Uint8Array>,
  ],
];

/** Stops a read each way a caller does; resolves once the read's own promise has settled. */
const STOPS: Array<[string, (read: Read, reader: DatasetReader) => Promise<void>]> = [
  [
    "return() after one chunk",
    async (read, reader) => {
      const chunks = read(reader);
      const first = await chunks.next();
      expect(first.done).toBe(false);
      expect(await chunks.return(undefined)).toEqual({ done: true, value: undefined });
    },
  ],
  [
    "an AbortSignal while reading",
    async (read, reader) => {
      const abort = new AbortController();
      const chunks = read(reader, abort.signal);
      expect((await chunks.next()).done).toBe(false);
      abort.abort();
      let after = 0;
      const reading = (async () => {
        for (;;) {
          const next = await chunks.next();
          if (next.done) throw new Error("the read ended instead of stopping");
          after++;
        }
      })();
      await expect(reading).rejects.toMatchObject({ name: "AbortError" });
      // At most what was already in hand when the signal came, never the rest.
      expect(after).toBeLessThan(ROWS / 100);
    },
  ],
  [
    "an AbortSignal before the first chunk came",
    async (read, reader) => {
      const abort = new AbortController();
      const chunks = read(reader, abort.signal);
      const first = chunks.next();
      abort.abort();
      const reading = (async () => {
        let next = await first;
        while (!next.done) next = await chunks.next();
        throw new Error("the read ended instead of stopping");
      })();
      await expect(reading).rejects.toMatchObject({ name: "AbortError" });
    },
  ],
  [
    "throw() into the read after one chunk",
    async (read, reader) => {
      const chunks = read(reader);
      expect((await chunks.next()).done).toBe(false);
      await expect(chunks.throw(new Error("stop here"))).rejects.toThrow("stop here");
    },
  ],
  [
    "a consumer that throws",
    async (read, reader) => {
      const failing = async () => {
        let chunks = 0;
        for await (const chunk of read(reader)) {
          expect(chunk).toBeTruthy();
          if (++chunks === 2) throw new Error("the consumer failed");
        }
      };
      await expect(failing()).rejects.toThrow("the consumer failed");
    },
  ],
];

beforeAll(async () => {
  monitor = new pg.Client({ connectionString: url.toString().replace(APP, `${APP}-monitor`) });
  await monitor.connect();
  const { rows } = await pgPool().query<{ id: number }>(`SELECT id FROM datasets WHERE title = $1`, [TITLE]);
  dataset = (await findDataset(rows[0]!.id))!;
  expect(dataset.rowsTable).toBeTruthy();
  source = datasetSource(dataset);
  everything = plan(dataset, {});
  oneColumn = plan(dataset, { columns: [dataset.columns[0]!.key] });
  expect(await source.count(everything)).toBe(ROWS);
});

afterAll(async () => {
  await monitor.end();
});

describe("an aborted COPY leaves no query in pg_stat_activity and no connection checked out", () => {
  it(
    "the check sees a COPY in flight and its connection checked out",
    async () => {
      const chunks = source.csv(everything, CSV);
      expect((await chunks.next()).done).toBe(false);
      const during = await poolState();
      expect(during.idle).toBeLessThan(during.total);
      expect(during.busy.map((a) => a.query).join("\n")).toContain(`COPY (SELECT`);
      await chunks.return(undefined);
      await expectCleanPool();
    },
    STOP_TIMEOUT_MS,
  );

  for (const [readName, read] of READS) {
    for (const [stopName, stop] of STOPS) {
      it(
        `${readName}: ${stopName}`,
        async () => {
          await stop(read, source);
          await expectCleanPool();
        },
        STOP_TIMEOUT_MS,
      );

      it(
        `${readName} inside snapshot(): ${stopName}`,
        async () => {
          // A stopped read rolls back to its savepoint: the snapshot's later reads still work
          // and it commits (a consumer that throws makes the snapshot reject with its error).
          const outcome = await source
            .snapshot(async (reader) => {
              expect(await reader.count(everything)).toBe(ROWS);
              await stop(read, reader);
              expect(await reader.count(oneColumn)).toBe(ROWS);
              let rows = 0;
              for await (const batch of reader.rows(oneColumn)) rows += batch.length;
              expect(rows).toBe(ROWS);
              return "done";
            })
            .catch((error: Error) => error.message);
          expect(outcome).toBe("done");
          await expectCleanPool();
        },
        STOP_TIMEOUT_MS,
      );
    }

    it(`${readName}: an AbortSignal aborted before the read starts`, async () => {
      const abort = new AbortController();
      abort.abort();
      await expect(read(source, abort.signal).next()).rejects.toMatchObject({ name: "AbortError" });
      await expectCleanPool();
    });

    it(`${readName}: a read to the end leaves the pool clean`, async () => {
      let chunks = 0;
      for await (const chunk of read(source)) if (chunk) chunks++;
      expect(chunks).toBeGreaterThan(1);
      await expectCleanPool();
    });
  }

  it(
    "stopping as many reads as the pool has connections, all at once",
    async () => {
      // Every pooled connection is held by a COPY being stopped: the cancels must not wait for one.
      const max = pgPool().options.max ?? 10;
      const reads = [];
      for (let i = 0; i < max; i++) {
        const chunks = i % 2 === 0 ? source.csv(everything, CSV) : source.rows(everything, { batchSize: 100 });
        expect((await chunks.next()).done).toBe(false);
        reads.push(chunks);
      }
      expect(pgPool().idleCount).toBe(0);
      await Promise.all(reads.map((chunks) => chunks.return(undefined)));
      await expectCleanPool();
    },
    STOP_TIMEOUT_MS,
  );

  describe("a COPY that fails on the server", () => {
    let timed: DatasetInfo;
    let timedPlan: ExportPlan;
    const CSV_DIALECT = { delimiter: "," };

    beforeAll(() => {
      // A dataset whose rows table is not there (a name of the generated shape): PostgreSQL
      // refuses the COPY itself, after the transaction and its settings have been set up.
      timed = { ...dataset, rowsTable: "d999999" };
      timedPlan = plan(timed, {});
    });

    const drain = async (chunks: AsyncIterable<unknown>) => {
      for await (const chunk of chunks) expect(chunk).toBeTruthy();
    };

    it("rejects with PostgreSQL's error and leaves the pool clean", async () => {
      // How each connection comes back: released as broken, the pool would close it.
      const releases: unknown[] = [];
      const onRelease = (error: unknown) => releases.push(error);
      pgPool().on("release", onRelease);
      try {
        await expect(drain(datasetSource(timed).csv(timedPlan, CSV_DIALECT))).rejects.toMatchObject({
          code: "42P01",
          message: expect.stringContaining("d999999"),
        });
      } finally {
        pgPool().off("release", onRelease);
      }
      // The COPY ended with its error: the connection is fine and goes back to the pool.
      expect(releases.length).toBeGreaterThan(0);
      expect(releases.filter(Boolean)).toEqual([]);
      await expectCleanPool();
    });

    it("inside snapshot(): rejects with PostgreSQL's error and leaves the pool clean", async () => {
      await expect(
        datasetSource(timed).snapshot(async (reader) => {
          await drain(reader.csv(timedPlan, CSV_DIALECT));
          return "unreachable";
        }),
      ).rejects.toMatchObject({ code: "42P01" });
      await expectCleanPool();
    });
  });
});
