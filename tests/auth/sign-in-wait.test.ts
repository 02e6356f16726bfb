import { describe, expect, it } from "vitest";
import { parseThrottledErrorCode, throttledErrorCode, waitMinutes } from "@/lib/auth/sign-in-wait";

describe("the wait a throttled sign-in is told", () => {
  it("is carried in the sign-in page's error and read back", () => {
    expect(throttledErrorCode(754)).toBe("Throttled:754");
    expect(parseThrottledErrorCode(throttledErrorCode(754))).toBe(754);
    for (const other of [
      "CredentialsSignin",
      "Throttled:",
      "Throttled:-1",
      "Throttled:1e9",
      "xThrottled:5",
      null,
      undefined,
    ]) {
      expect(parseThrottledErrorCode(other), String(other)).toBeNull();
    }
  });

  it("is said in whole minutes, at least one", () => {
    expect([1, 59, 60, 61, 900].map(waitMinutes)).toEqual([1, 1, 1, 2, 15]);
  });
});
