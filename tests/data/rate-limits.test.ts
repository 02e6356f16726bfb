// consumePoint tells a limiter's refusal from a failure by its shape, whichever copy of
// rate-limiter-flexible made it: limiters live on globalThis, shared by the server's bundles.
import { RateLimiterRes } from "rate-limiter-flexible";
import { describe, expect, it } from "vitest";
import { consumePoint, secondsUntil, type RateLimiterPostgres } from "@/lib/data/rate-limits";

const rejecting = (value: unknown) => ({ consume: () => Promise.reject(value) }) as unknown as RateLimiterPostgres;

describe("consumePoint", () => {
  it("returns a refusal made by this copy of the package", async () => {
    const refusal = new RateLimiterRes(0, 1500, 11, false);
    expect(await consumePoint(rejecting(refusal), "k")).toEqual({ refused: refusal });
  });

  it("returns a refusal made by another copy (same shape, another class)", async () => {
    const foreign = { remainingPoints: 0, msBeforeNext: 10_640, consumedPoints: 11, isFirstInDuration: false };
    const result = await consumePoint(rejecting(foreign), "k");
    expect(result).toEqual({ refused: foreign });
    expect("refused" in result && secondsUntil(result.refused)).toBe(11);
  });

  it("throws anything else, database errors included", async () => {
    const failure = Object.assign(new Error("connection refused"), { msBeforeNext: 1, consumedPoints: 1 });
    await expect(consumePoint(rejecting(failure), "k")).rejects.toBe(failure);
    await expect(consumePoint(rejecting("nope"), "k")).rejects.toBe("nope");
  });
});
