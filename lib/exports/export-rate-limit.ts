// Export requests per user per minute, counted in PostgreSQL so the limit holds across
// web processes.
import { config } from "../config";
import { consumePoint, postgresLimiter, secondsUntil, type RateLimiterPostgres } from "../data/rate-limits";
import { AppError } from "../errors";

const globalForLimits = globalThis as unknown as { outportExportLimiter?: RateLimiterPostgres };

function exportLimiter(): RateLimiterPostgres {
  globalForLimits.outportExportLimiter ??= postgresLimiter("export", config.export.requestsPerMinute, 60);
  return globalForLimits.outportExportLimiter;
}

/** Counts one export request; the one past the limit is refused with 429 and Retry-After. */
export async function consumeExportRequest(userId: number): Promise<void> {
  const counted = await consumePoint(exportLimiter(), String(userId));
  if ("refused" in counted) {
    throw new AppError("rate_limited", "error.rateLimited", { retryAfterSeconds: secondsUntil(counted.refused) });
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
