// Runs once when a Next.js server process starts: the workers live inside the web process
// by default (OUTPORT_WORKERS=0 leaves the work to `npm run worker` processes).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { config } = await import("./lib/config");
  if (!process.env.DATABASE_URL) return;
  if (config.jobs.inProcessWorkers <= 0) {
    // No workers here, but jobs are created here: start the queue now rather than make the
    // first request wait for it (~200 ms).
    const { jobQueue } = await import("./lib/jobs/queue");
    await jobQueue().catch((error: unknown) => console.error("The job queue did not start:", error));
    return;
  }
  const [{ serveJobs }, { jobTypes, schedules }] = await Promise.all([
    import("./lib/jobs/serve"),
    import("./lib/job-types"),
  ]);
  // The launcher sets NEXT_MANUAL_SIG_HANDLE so that shutdown waits for the workers;
  // under a bare `next start` Next exits by itself and the job leases recover the work.
  await serveJobs({
    jobTypes: jobTypes(),
    schedules: schedules(),
    concurrency: config.jobs.inProcessWorkers,
    exitOnSignal: process.env.NEXT_MANUAL_SIG_HANDLE === "1",
  }).catch((error: unknown) => console.error("The workers did not start:", error));
}
