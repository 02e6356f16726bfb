// Export requests per user per minute, counted in PostgreSQL so the limit holds across
// web processes.
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { config } from "../config";
import { pgPool } from "../data/pg";
import { AppError } from "../errors";

const globalForLimits = globalThis as unknown as { outportExportLimiter?: RateLimiterPostgres };

function exportLimiter(): RateLimiterPostgres {
  globalForLimits.outportExportLimiter ??= new RateLimiterPostgres({
    storeClient: pgPool(),
    storeType: "pool",
    tableName: "rate_limits", // created by the migrations (prisma/schema.prisma RateLimit)
    tableCreated: true,
    keyPrefix: "export",
    points: config.export.requestsPerMinute,
    duration: 60,
  });
  return globalForLimits.outportExportLimiter;
}

/** Counts one export request; the one past the limit is refused with 429 and Retry-After. */
export async function consumeExportRequest(userId: number): Promise<void> {
  try {
    await exportLimiter().consume(String(userId));
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      throw new AppError("rate_limited", "error.rateLimited", {
        retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
      });
    }
    throw rejection;
  }
}

/** Gives back a counted request (a check that did not become an export by itself). */
export async function refundExportRequest(userId: number): Promise<void> {
  await exportLimiter().reward(String(userId), 1);
}

/** For tests: forget a user's counter. */
export async function resetExportRequests(userId: number): Promise<void> {
  await exportLimiter().delete(String(userId));
}
