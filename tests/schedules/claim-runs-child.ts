// One "worker process" of the race test: waits for the agreed moment, claims what is due at
// the given time, prints the claimed schedules' ids as JSON and exits.
import { closePgPool } from "@/lib/data/pg";
import { stopJobQueue } from "@/lib/jobs/queue";
import { claimDueRuns } from "@/lib/schedules/claim-due-runs";

const [now, at] = process.argv.slice(2);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(at) - Date.now())));
const claimed = await claimDueRuns(new Date(now ?? ""));
process.stdout.write(JSON.stringify(claimed.map((run) => run.scheduleId)));
await stopJobQueue({ graceful: false });
await closePgPool();
