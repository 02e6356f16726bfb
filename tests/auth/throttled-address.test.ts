// The address a sign-in counter is kept for: IPv4 as it is, IPv6 by its /64.
import { describe, expect, it } from "vitest";
import { throttledAddress } from "@/lib/auth/login-throttle";

describe("throttledAddress", () => {
  it("keeps an IPv4 address, and names an unknown one", () => {
    expect(throttledAddress("203.0.113.7")).toBe("203.0.113.7");
    expect(throttledAddress(null)).toBe("(unknown)");
  });

  it("counts every address of one IPv6 /64 as one", () => {
    const prefix = "2001:db8:1:2::/64";
    for (const ip of [
      "2001:db8:1:2::1",
      "2001:0db8:0001:0002:ffff:ffff:ffff:ffff",
      "2001:DB8:1:2:0:0:0:0",
      "2001:db8:1:2::1.2.3.4",
    ]) {
      expect(throttledAddress(ip), ip).toBe(prefix);
    }
    expect(throttledAddress("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(throttledAddress("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(throttledAddress("::1")).toBe("0:0:0:0::/64");
    expect(throttledAddress("fe80::")).toBe("fe80:0:0:0::/64");
  });
});
