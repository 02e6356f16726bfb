// `npm run worker` – export workers as their own process, for scaling out. They join the
// PostgreSQL at DATABASE_URL, or the embedded one a running `npm start` owns.
// OUTPORT_WORKER_CONCURRENCY (default 2) jobs run at once; SIGTERM stops it gracefully.
import path from "node:path";
import { config, varDir } from "../lib/config";
import { runningEmbeddedUrl } from "../lib/data/embedded-server";
import { serveExportWorkers } from "../lib/jobs/serve";

const log = (line: string) => console.log(`[worker] ${line}`);

if (!process.env.DATABASE_URL) {
  const url = runningEmbeddedUrl(path.join(varDir(), "postgres"));
  if (!url) {
    console.error(
      "[worker] No database: set DATABASE_URL, or start the app with `npm start` first (the worker joins its embedded PostgreSQL).",
    );
    process.exit(1);
  }
  process.env.DATABASE_URL = url;
}

await serveExportWorkers({ concurrency: config.jobs.workerConcurrency, exitOnSignal: true, log });
