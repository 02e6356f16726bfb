// What an import that did not commit leaves behind, and the sweep that takes it away. A
// rollback already takes the rows and any table the attempt made; what is left is the
// dataset a `create` made at request time (still `importing`), the uploaded file, and —
// after a worker died between a replace's commit and its drop of the old table — a table
// no dataset names. The sweep runs when the database is opened (lib/data/bootstrap.ts)
// and daily with the export retention; it also removes the CSVs of rejected rows once
// they are as old as an export may get, and what a process killed mid-upload left.
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { config, uploadDir } from "../config";
import { pgPool, type Db } from "../data/pg";
import { dropOrphanRowsTables } from "../sources/typed/rows-table";
import { removeUpload } from "../uploads/upload-files";
import type { ScheduledTask } from "../jobs/schedules";
import {
  finishedImportsOfImportingDatasets,
  finishedUploadKeys,
  forgetRejectedFiles,
  rejectedFilesToKeep,
} from "./import-job-store";
import { removeRejectedRows } from "./rejected-rows";

/**
 * Deletes a dataset that an import was creating, with its columns (only while it is still
 * `importing`: a committed one is never touched). True when it was deleted.
 */
export async function discardImportingDataset(datasetId: number, db: Db = pgPool()): Promise<boolean> {
  const { rowCount } = await db.query(`DELETE FROM datasets WHERE id = $1 AND status = 'importing'`, [datasetId]);
  return rowCount === 1;
}

const UPLOAD_FILE = /^([a-f0-9]{32})\.upload$/;
const PARTIAL_UPLOAD = /^[a-f0-9]{32}\.upload\.part$/;
const REJECTED_FILE = /^([a-f0-9]{32})\.rejected\.csv$/;
const DAY_MS = 24 * 3600_000;
// A rejected-rows file no import names yet may be one an attempt is still writing.
const UNNAMED_REJECTED_MS = 3600_000;

export type SweepResult = { tables: string[]; datasets: number[]; uploads: number; rejectedFiles: number };

export type SweepOptions = { now?: Date };

/**
 * Drops rows tables no dataset names, deletes `importing` datasets whose import is over,
 * and removes uploads whose import is over. Safe while imports run: an uncommitted import's
 * table is invisible to it, and an active import's dataset and upload are kept.
 */
export async function sweepImports(
  dir: string = uploadDir(),
  { now = new Date() }: SweepOptions = {},
): Promise<SweepResult> {
  const tables = await dropOrphanRowsTables(pgPool());
  const datasets: number[] = [];
  for (const id of await finishedImportsOfImportingDatasets()) {
    if (await discardImportingDataset(id)) datasets.push(id);
  }
  const names = await readdir(dir).catch(() => [] as string[]);
  const keys = names.flatMap((name) => UPLOAD_FILE.exec(name)?.[1] ?? []);
  let uploads = 0;
  if (keys.length) {
    const finished = await finishedUploadKeys(keys);
    for (const key of keys) {
      // An upload no job names yet may be a request still being checked: kept a while.
      const known = finished.has(key);
      const old = known || (await isOlderThan(path.join(dir, `${key}.upload`), DAY_MS, now));
      if (known || (old && !(await namedByAnyImport(key)))) {
        await removeUpload(key, dir);
        uploads++;
      }
    }
  }
  // A body a killed process was still receiving: no request is that slow.
  for (const name of names.filter((n) => PARTIAL_UPLOAD.test(n))) {
    if (await isOlderThan(path.join(dir, name), DAY_MS, now)) {
      await rm(path.join(dir, name), { force: true });
      uploads++;
    }
  }
  const rejectedFiles = await sweepRejectedFiles(dir, names, now);
  return { tables, datasets, uploads, rejectedFiles };
}

/** Rejected-rows CSVs kept as long as an export file, and those no import names after an hour. */
async function sweepRejectedFiles(dir: string, names: readonly string[], now: Date): Promise<number> {
  const keys = names.flatMap((name) => REJECTED_FILE.exec(name)?.[1] ?? []);
  if (keys.length === 0) return 0;
  const keep = await rejectedFilesToKeep(keys, new Date(now.getTime() - config.export.retentionDays * DAY_MS));
  const removed: string[] = [];
  for (const key of keys) {
    if (keep.has(key)) continue;
    const file = path.join(dir, `${key}.rejected.csv`);
    const info = await stat(file).catch(() => null);
    if (!info) continue;
    // Named by an import that finished long ago, or by none for an hour.
    const named = await namedAsRejected(key);
    if (!named && now.getTime() - info.mtimeMs <= UNNAMED_REJECTED_MS) continue;
    await removeRejectedRows(key, dir);
    removed.push(key);
  }
  await forgetRejectedFiles(removed);
  return removed.length;
}

async function namedAsRejected(key: string): Promise<boolean> {
  const { rowCount } = await pgPool().query(`SELECT 1 FROM import_jobs WHERE rejected_file = $1`, [key]);
  return (rowCount ?? 0) > 0;
}

/** The daily sweep, as a schedule of the job runtime (at start it already ran with the database). */
export function importSweepSchedule(log: (line: string) => void = console.log): ScheduledTask {
  return {
    name: "import-sweep",
    cron: config.retention.cron,
    timeZone: config.retention.timeZone,
    runAtStart: false,
    run: async (trigger) => {
      const swept = await sweepImports();
      const total = swept.tables.length + swept.datasets.length + swept.uploads + swept.rejectedFiles;
      if (total > 0) log(`import sweep (${trigger}): ${JSON.stringify(swept)}`);
    },
  };
}

async function isOlderThan(file: string, ms: number, now: Date = new Date()): Promise<boolean> {
  const info = await stat(file).catch(() => null);
  return info !== null && now.getTime() - info.mtimeMs > ms;
}

async function namedByAnyImport(key: string): Promise<boolean> {
  const { rowCount } = await pgPool().query(`SELECT 1 FROM import_jobs WHERE upload_key = $1`, [key]);
  return (rowCount ?? 0) > 0;
}
