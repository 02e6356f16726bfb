// A direct download whose client goes away is audited as cancelled, never as completed —
// whenever it goes: mid-stream, with the last chunk in hand but the end not yet asked for
// (the chunk still in the server's buffers when the connection dropped), or once every
// byte was handed over but before the response ended. Only a client that reads to the end
// completes. Through the real route handler, its body read chunk by chunk (JSON as the
// manager, which no other test file downloads directly, so the events found are these).
// Its row in the export history ends the same way.
import { beforeEach, describe, expect, it } from "vitest";
import { GET } from "@/app/api/export/[format]/[datasetId]/route";
import { pgPool } from "@/lib/data/pg";
import { prisma } from "@/lib/data/prisma";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import { demoUser, requestAs, routeContext } from "../helpers/auth";
import { waitUntil } from "../helpers/wait";

const TITLE = "Q1 Sales";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Outcome = { action: string; details: { rows?: number; bytes?: number } };

async function start(abort = new AbortController()) {
  const id = (await prisma().dataset.findFirstOrThrow({ where: { title: TITLE } })).id;
  const since = new Date();
  const response = await GET(
    await requestAs("manager", `/api/export/json/${id}`, { signal: abort.signal }),
    routeContext({ format: "json", datasetId: String(id) }),
  );
  expect(response.status).toBe(200);
  return { reader: response.body!.getReader(), since, abort };
}

type HistoryRow = { status: string; processed_rows: number; file_size: string | null; sha256: string | null };

/** The download's row in the export history, once it has ended. */
async function historyRowSince(since: Date): Promise<HistoryRow> {
  const manager = await demoUser("manager");
  const seen = await waitUntil(
    async () =>
      (
        await pgPool().query<HistoryRow>(
          `SELECT status::text AS status, processed_rows, file_size::text AS file_size, sha256 FROM export_jobs
            WHERE user_id = $1 AND delivery = 'direct' AND format = 'json' AND created_at >= $2`,
          [manager.id, since],
        )
      ).rows,
    (found) => found.length > 0 && found[0]!.status !== "processing",
    5_000,
    20,
  );
  const rows = seen.at(-1)!;
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** The one outcome the download was audited with (its request is audited apart). */
async function outcomeSince(since: Date): Promise<Outcome> {
  const manager = await demoUser("manager");
  const read = async () =>
    (
      await pgPool().query<Outcome>(
        `SELECT action::text AS action, details FROM audit_events
          WHERE actor_id = $1 AND created_at >= $2
            AND details->>'format' = 'json' AND action IN ('export_completed', 'export_cancelled', 'export_failed') ORDER BY id`,
        [manager.id, since],
      )
    ).rows;
  const seen = await waitUntil(read, (rows) => rows.length > 0, 5_000, 20);
  // A second outcome for the same download would be a bug too: give it a moment to appear.
  await sleep(100);
  const rows = await read();
  expect(rows, JSON.stringify(seen.at(-1))).toHaveLength(1);
  return rows[0]!;
}

/** Reads chunks until `bytes` have arrived (never asking past them). */
async function readBytes(reader: ReadableStreamDefaultReader<Uint8Array>, bytes: number): Promise<number> {
  let received = 0;
  while (received < bytes) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the stream ended after ${received} of ${bytes} bytes`);
    received += value.byteLength;
  }
  return received;
}

let size = 0;

beforeEach(async () => {
  await resetExportRequests((await demoUser("manager")).id);
  if (size === 0) {
    // The whole download once, read to its end: its size, and what completion looks like.
    const { reader, since } = await start();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
    }
    expect(await outcomeSince(since)).toMatchObject({ action: "export_completed", details: { bytes: size } });
    await resetExportRequests((await demoUser("manager")).id);
  }
});

describe("a direct download whose client goes away", () => {
  it("mid-stream is cancelled", async () => {
    const { reader, since } = await start();
    await readBytes(reader, 1);
    await reader.cancel();
    expect((await outcomeSince(since)).action).toBe("export_cancelled");
    expect(await historyRowSince(since)).toMatchObject({ status: "cancelled", file_size: null, sha256: null });
  });

  it("with the last chunk in hand, before asking for the end, is cancelled", async () => {
    const { reader, since } = await start();
    expect(await readBytes(reader, size)).toBe(size);
    // The client is slow to go: whatever the server would do on its own, it has done.
    await sleep(300);
    await reader.cancel();
    expect((await outcomeSince(since)).action).toBe("export_cancelled");
  });

  it("once every byte was out but before the response ended (the request aborted) is cancelled", async () => {
    const { reader, since, abort } = await start();
    await readBytes(reader, size);
    abort.abort();
    await reader.read().catch(() => undefined);
    await reader.cancel().catch(() => undefined);
    expect((await outcomeSince(since)).action).toBe("export_cancelled");
    expect((await historyRowSince(since)).status).toBe("cancelled");
  });

  it("that read to the end completed", async () => {
    const { reader, since } = await start();
    await readBytes(reader, size);
    expect((await reader.read()).done).toBe(true);
    const outcome = await outcomeSince(since);
    expect(outcome).toMatchObject({ action: "export_completed", details: { bytes: size } });
    expect(await historyRowSince(since)).toMatchObject({
      status: "completed",
      file_size: String(size),
      processed_rows: outcome.details.rows,
    });
  });
});
