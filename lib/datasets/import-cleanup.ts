// What an import that did not commit leaves behind, and the sweep that takes it away. A
// rollback already takes the rows and any table the attempt made; what is left is the
// dataset a `create` made at request time (still `importing`), the uploaded file, and —
// after a worker died between a replace's commit and its drop of the old table — a table
// no dataset names. The sweep runs when the database is opened (lib/data/bootstrap.ts).
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { uploadDir } from "../config";
import { pgPool, type Db } from "../data/pg";
import { dropOrphanRowsTables } from "../sources/typed/rows-table";
import { removeUpload } from "../uploads/upload-files";
import { finishedImportsOfImportingDatasets, finishedUploadKeys } from "./import-job-store";

/**
 * Deletes a dataset that an import was creating, with its columns (only while it is still
 * `importing`: a committed one is never touched). True when it was deleted.
 */
export async function discardImportingDataset(datasetId: number, db: Db = pgPool()): Promise<boolean> {
  const { rowCount } = await db.query(`DELETE FROM datasets WHERE id = $1 AND status = 'importing'`, [datasetId]);
  return rowCount === 1;
}

const UPLOAD_FILE = /^([a-f0-9]{32})\.upload$/;

export type SweepResult = { tables: string[]; datasets: number[]; uploads: number };

/**
 * Drops rows tables no dataset names, deletes `importing` datasets whose import is over,
 * and removes uploads whose import is over. Safe while imports run: an uncommitted import's
 * table is invisible to it, and an active import's dataset and upload are kept.
 */
export async function sweepImports(dir: string = uploadDir()): Promise<SweepResult> {
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
      const old = known || (await isOlderThan(path.join(dir, `${key}.upload`), 24 * 3600_000));
      if (known || (old && !(await namedByAnyImport(key)))) {
        await removeUpload(key, dir);
        uploads++;
      }
    }
  }
  return { tables, datasets, uploads };
}

async function isOlderThan(file: string, ms: number): Promise<boolean> {
  const info = await stat(file).catch(() => null);
  return info !== null && Date.now() - info.mtimeMs > ms;
}

async function namedByAnyImport(key: string): Promise<boolean> {
  const { rowCount } = await pgPool().query(`SELECT 1 FROM import_jobs WHERE upload_key = $1`, [key]);
  return (rowCount ?? 0) > 0;
}
