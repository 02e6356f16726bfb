// One run of `npm run bench:import` in a fresh process (so its memory is its own): a file
// becomes a dataset the way the API makes one — the request (which inspects the file),
// then the import job run by a worker in this process — and is deleted again. Prints one
// JSON line. Run by bench/import.ts: `import-one.ts <file> <file name>`.
import { statSync } from "node:fs";
import { copyFile, mkdir } from "node:fs/promises";
import { loadActiveUser } from "../lib/auth/current-user";
import { uploadDir } from "../lib/config";
import { closePgPool, pgPool } from "../lib/data/pg";
import { importJob } from "../lib/datasets/import-job";
import { deleteDataset } from "../lib/datasets/manage-dataset";
import { requestDatasetCreation } from "../lib/datasets/request-import";
import { stopJobQueue } from "../lib/jobs/queue";
import { startWorker } from "../lib/jobs/worker";
import { newUploadKey, uploadPath } from "../lib/uploads/upload-files";
import { startPeakRss } from "./peak-rss";

/** What bench/import.ts reads back from the last line of stdout. */
export type ImportRun = {
  file: string;
  rows: number;
  rejected: number;
  /** From the request (inspect included) to the job completed. */
  seconds: number;
  /** The job alone, from its start to its finish as the job row records them. */
  jobSeconds: number;
  idleRssMb: number;
  peakRssMb: number;
};

const [file = "", fileName = "upload"] = process.argv.slice(2);

const { rows: admins } = await pgPool().query<{ id: number }>(
  `SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id LIMIT 1`,
);
const user = await loadActiveUser(admins[0]!.id);
if (!user) throw new Error("no active admin to import as");
const worker = await startWorker([importJob], { concurrency: 1 });
const key = newUploadKey();
await mkdir(uploadDir(), { recursive: true });
await copyFile(file, uploadPath(key));
const { size } = statSync(file);

// Idle: the worker running, the pool open, the upload in place; nothing read yet.
await new Promise((r) => setTimeout(r, 300));
const meter = startPeakRss();

const started = performance.now();
const caller = { user, ip: null, locale: "en" as const };
const { jobId, datasetId } = await requestDatasetCreation(
  caller,
  { key, fileName, size, sha256: "", contentType: null },
  { title: `Bench import ${fileName}`, description: "", max_rejected_rows: 0 },
);
type JobRow = {
  status: string;
  imported_rows: number;
  rejected_rows: number;
  error_message: string | null;
  job_ms: number;
};
let job: JobRow;
for (;;) {
  const { rows } = await pgPool().query<JobRow>(
    `SELECT status::text AS status, imported_rows, rejected_rows, error_message,
            extract(epoch FROM finished_at - started_at) * 1000 AS job_ms
       FROM import_jobs WHERE id = $1`,
    [jobId],
  );
  job = rows[0]!;
  if (job.status !== "pending" && job.status !== "processing") break;
  await new Promise((r) => setTimeout(r, 25));
}
const seconds = (performance.now() - started) / 1000;
const peakRssMb = meter.stop();
if (job.status !== "completed") throw new Error(`import ${jobId} ended ${job.status}: ${job.error_message}`);

await deleteDataset(caller, datasetId);
await worker.stop();
await stopJobQueue({ graceful: false });
await closePgPool();
const run: ImportRun = {
  file: fileName,
  rows: Number(job.imported_rows),
  rejected: Number(job.rejected_rows),
  seconds,
  jobSeconds: Number(job.job_ms) / 1000,
  idleRssMb: meter.idleRssMb,
  peakRssMb,
};
console.log(JSON.stringify(run));
process.exit(0);
