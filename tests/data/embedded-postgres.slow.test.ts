// Two embedded PostgreSQL servers started at once (two launchers, two test runs) pick the
// same free port; the one that loses the race must move to another port, and a port that
// stays taken must be said plainly.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EmbeddedDatabaseError,
  portWasTaken,
  startEmbeddedPostgres,
  startFailureReason,
  type EmbeddedDatabase,
} from "@/lib/data/embedded-postgres";

let dir = "";
const running: EmbeddedDatabase[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "outport-ports-"));
  await chmod(dir, 0o755); // PostgreSQL runs as another OS user when we are root
});

afterAll(async () => {
  await Promise.all(running.map((server) => server.stop()));
  await rm(dir, { recursive: true, force: true });
});

async function answers(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ port: string }>("SHOW port");
    return Number(rows[0]?.port);
  } finally {
    await client.end();
  }
}

describe("PostgreSQL's start-up output", () => {
  it("is read as a taken port for a bind failure or a held socket lock, not for other failures", () => {
    expect(
      portWasTaken(
        '2026-01-01 LOG:  could not bind IPv4 address "127.0.0.1": Address already in use\n' +
          '2026-01-01 WARNING:  could not create listen socket for "127.0.0.1"\n' +
          "2026-01-01 FATAL:  could not create any TCP/IP sockets\n",
      ),
    ).toBe(true);
    expect(portWasTaken('FATAL:  lock file "/tmp/.s.PGSQL.54329.lock" already exists')).toBe(true);
    expect(portWasTaken('FATAL:  data directory "/x" has invalid permissions')).toBe(false);
  });

  it("gives the lines that say why it stopped", () => {
    expect(
      startFailureReason(
        "2026-01-01 10:00:00.000 UTC [1] LOG:  starting PostgreSQL 17\n" +
          '2026-01-01 10:00:00.001 UTC [1] FATAL:  data directory "/x" has invalid permissions\n' +
          "2026-01-01 10:00:00.001 UTC [1] DETAIL:  Permissions should be u=rwx (0700) or u=rwx,g=rx (0750).\n",
      ),
    ).toBe(
      'FATAL:  data directory "/x" has invalid permissions DETAIL:  Permissions should be u=rwx (0700) or u=rwx,g=rx (0750).',
    );
  });
});

describe("two embedded servers started at once", () => {
  it("both start, on different ports, the loser of the race moving on", { timeout: 120_000 }, async () => {
    // Both look for a free port from the same one before either has started: they find the same.
    const firstPort = 55000 + Math.floor(Math.random() * 2000);
    const logs: string[][] = [[], []];
    const servers = await Promise.all(
      logs.map((lines, index) =>
        startEmbeddedPostgres({ dataDir: path.join(dir, `pg${index}`), firstPort, log: (line) => lines.push(line) }),
      ),
    );
    running.push(...servers);
    const [a, b] = servers as [EmbeddedDatabase, EmbeddedDatabase];
    expect(a.port).not.toBe(b.port);
    expect(await answers(a.url)).toBe(a.port);
    expect(await answers(b.url)).toBe(b.port);
    expect(logs.flat().some((line) => /^Port \d+ was taken as the embedded PostgreSQL started/.test(line))).toBe(true);
  });

  it("says plainly that a port given to it is taken", { timeout: 60_000 }, async () => {
    const taken = running[0]?.port;
    expect(taken).toBeDefined();
    const error = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg2"), port: taken }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EmbeddedDatabaseError);
    expect((error as Error).message).toBe(
      `The embedded PostgreSQL could not start: port ${taken} is in use by another program.`,
    );
  });
});
