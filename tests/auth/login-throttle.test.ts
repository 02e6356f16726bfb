import { describe, expect, it } from "vitest";
import { loginDelayMs } from "@/lib/auth/login-throttle";

describe("loginDelayMs", () => {
  const policy = { freeAttempts: 3, maxDelayMs: 8000 };

  it("does not slow down the first few failures", () => {
    expect([0, 1, 2].map((n) => loginDelayMs(n, policy))).toEqual([0, 0, 0]);
  });

  it("doubles the delay with every further failure, up to the cap", () => {
    expect([3, 4, 5, 6, 7, 8, 20].map((n) => loginDelayMs(n, policy))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });
});
