// The shape of /api/health's answer, for the API document.
import { z } from "zod";

const ZDepth = z.object({ pending: z.number().int(), processing: z.number().int() });

export const ZHealth = z
  .object({
    status: z.enum(["ok", "error"]),
    failing: z.array(z.enum(["database", "storage"])).meta({ description: "The parts that failed (empty when up)." }),
    database: z.object({ status: z.enum(["ok", "error"]), ms: z.number().int() }),
    storage: z.object({
      status: z
        .enum(["ok", "error", "unknown"])
        .meta({ description: "`unknown`: the export store has no check of its own." }),
      kind: z.enum(["local", "s3"]),
      ms: z.number().int(),
    }),
    queue: z
      .object({
        pending: z.number().int(),
        processing: z.number().int(),
        by_type: z.object({ export: ZDepth, import: ZDepth, "schedule-run": ZDepth }),
      })
      .nullable()
      .meta({ description: "Jobs waiting for a worker and running, in all and per type; null without a database." }),
    workers: z
      .object({
        live: z.number().int(),
        processes: z.array(
          z.object({
            host: z.string(),
            pid: z.number().int(),
            job_types: z.array(z.string()),
            concurrency: z.number().int(),
            last_seen: z.string().meta({ format: "date-time" }),
          }),
        ),
      })
      .nullable()
      .meta({ description: "Worker processes whose heartbeat is recent; null without a database." }),
  })
  .meta({ id: "Health" });
