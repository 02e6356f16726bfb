// Counters kept in PostgreSQL (the `rate_limits` table of the migrations), so a limit holds
// across web processes: the export request limit and the sign-in throttle use them.
import { RateLimiterPostgres, type RateLimiterRes } from "rate-limiter-flexible";
import { pgPool } from "./pg";

export type { RateLimiterPostgres, RateLimiterRes };

export function postgresLimiter(keyPrefix: string, points: number, durationSeconds: number): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: pgPool(),
    storeType: "pool",
    tableName: "rate_limits", // created by the migrations (prisma/schema.prisma RateLimit)
    tableCreated: true,
    keyPrefix,
    points,
    duration: durationSeconds,
  });
}

/**
 * A refusal of rate-limiter-flexible (past the limit), told apart from a failure by its
 * shape: limiters are kept on globalThis across the server's bundles, and each bundle may
 * hold its own copy of the package's classes, so `instanceof` cannot be trusted.
 */
function isRefusal(value: unknown): value is RateLimiterRes {
  return (
    typeof value === "object" &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as RateLimiterRes).msBeforeNext === "number" &&
    typeof (value as RateLimiterRes).consumedPoints === "number"
  );
}

/** Consumes a point: the counter, or `{ refused }` past the limit; a failure is thrown. */
export async function consumePoint(
  limiter: RateLimiterPostgres,
  key: string,
): Promise<RateLimiterRes | { refused: RateLimiterRes }> {
  try {
    return await limiter.consume(key);
  } catch (rejection) {
    if (isRefusal(rejection)) return { refused: rejection };
    throw rejection;
  }
}

/** Whole seconds until a counter frees a point (at least 1), for Retry-After. */
export function secondsUntil(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}
