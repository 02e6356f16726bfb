// `npm run worker` – workers as their own process, for scaling out. They join the
// PostgreSQL at DATABASE_URL, or the embedded one a running `npm start` owns.
// OUTPORT_WORKER_CONCURRENCY (default 2) jobs of each type run at once; SIGTERM stops it
// gracefully.
import path from "node:path";
import { config, varDir } from "../lib/config";
import { runningEmbeddedUrl } from "../lib/data/embedded-server";
import { jobTypes, schedules } from "../lib/job-types";
import { serveJobs } from "../lib/jobs/serve";
import { log as logger } from "../lib/log";

const log = (line: string) => logger.info(line, { process: "worker" });

if (!process.env.DATABASE_URL) {
  const url = runningEmbeddedUrl(path.join(varDir(), "postgres"));
  if (!url) {
    logger.error(
      "No database: set DATABASE_URL, or start the app with `npm start` first (the worker joins its embedded PostgreSQL).",
      { process: "worker" },
    );
    process.exit(1);
  }
  process.env.DATABASE_URL = url;
}

await serveJobs({
  jobTypes: jobTypes(),
  schedules: schedules(log),
  concurrency: config.jobs.workerConcurrency,
  exitOnSignal: true,
  log,
});
