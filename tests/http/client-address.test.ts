import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  clientAddress,
  normaliseAddress,
  parseTrustedProxies,
  PEER_HEADER,
  PEER_HEADER_SET_BY_EDGE,
} from "@/lib/http/client-address";
import { clientIp } from "@/lib/http/request";

const none = parseTrustedProxies("");
const proxies = parseTrustedProxies("loopback, 10.0.0.0/8, 2001:db8::/32, 192.0.2.10");

describe("trusted proxies", () => {
  it("parses addresses, CIDR ranges and `loopback`", () => {
    expect(none.empty).toBe(true);
    for (const address of ["127.0.0.1", "127.9.9.9", "::1", "10.1.2.3", "2001:db8::5", "192.0.2.10"]) {
      expect(proxies.has(address), address).toBe(true);
    }
    for (const address of ["192.0.2.11", "11.0.0.1", "2001:db9::1", "not an address"]) {
      expect(proxies.has(address), address).toBe(false);
    }
  });

  it("refuses an entry that is not an address or a range, naming it", () => {
    for (const bad of ["10.0.0.0/33", "proxy.example", "10.0.0.0/8/1", "::1/129", "1.2.3.4/x"]) {
      expect(() => parseTrustedProxies(`loopback,${bad}`), bad).toThrow(`"${bad}"`);
    }
  });
});

describe("normaliseAddress", () => {
  it("keeps IP addresses only, in one form", () => {
    expect(normaliseAddress(" 203.0.113.7 ")).toBe("203.0.113.7");
    expect(normaliseAddress("203.0.113.7:5123")).toBe("203.0.113.7");
    expect(normaliseAddress("[2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(normaliseAddress("::ffff:198.51.100.4")).toBe("198.51.100.4");
    for (const junk of ["", "unknown", "<script>", "1.2.3.4.5", "x".repeat(8000), `1.2.3.4${" ".repeat(60)}x`, null]) {
      expect(normaliseAddress(junk)).toBeNull();
    }
  });
});

describe("clientAddress", () => {
  const facts = (peer: string | null, forwardedFor?: string, realIp?: string) => ({ peer, forwardedFor, realIp });

  it("uses the peer and ignores forwarded headers when no proxy is trusted", () => {
    expect(clientAddress(facts("198.51.100.9", "203.0.113.7", "203.0.113.8"), none)).toBe("198.51.100.9");
    expect(clientAddress(facts(null, "203.0.113.7"), none)).toBeNull();
  });

  it("ignores forwarded headers from a peer that is not trusted", () => {
    expect(clientAddress(facts("198.51.100.9", "203.0.113.7"), proxies)).toBe("198.51.100.9");
  });

  it("walks X-Forwarded-For from the right past trusted hops", () => {
    // A client's forged first entry is left of the real one and never reached.
    expect(clientAddress(facts("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.2"), proxies)).toBe("203.0.113.7");
    expect(clientAddress(facts("10.0.0.1", "203.0.113.7"), proxies)).toBe("203.0.113.7");
    // Every hop trusted: the leftmost one.
    expect(clientAddress(facts("127.0.0.1", "10.0.0.3, 10.0.0.2"), proxies)).toBe("10.0.0.3");
  });

  it("stops at an unreadable hop, keeping the last good one", () => {
    expect(clientAddress(facts("127.0.0.1", "203.0.113.7, garbage, 10.0.0.2"), proxies)).toBe("10.0.0.2");
    expect(clientAddress(facts("127.0.0.1", "<img src=x>"), proxies)).toBe("127.0.0.1");
  });

  it("reads only the right-hand end of an overlong X-Forwarded-For", () => {
    const padded = `${"9.9.9.9, ".repeat(1000)}203.0.113.7, 10.0.0.2`;
    expect(padded.length).toBeGreaterThan(8000);
    expect(clientAddress(facts("127.0.0.1", padded), proxies)).toBe("203.0.113.7");
  });

  it("uses X-Real-IP from a trusted peer that sends no X-Forwarded-For", () => {
    expect(clientAddress(facts("127.0.0.1", undefined, "203.0.113.8"), proxies)).toBe("203.0.113.8");
    expect(clientAddress(facts("127.0.0.1", undefined, "x".repeat(8000)), proxies)).toBe("127.0.0.1");
    expect(clientAddress(facts("198.51.100.9", undefined, "203.0.113.8"), proxies)).toBe("198.51.100.9");
  });
});

describe("clientIp", () => {
  const saved = process.env.OUTPORT_TRUSTED_PROXIES;
  beforeEach(() => {
    process.env[PEER_HEADER_SET_BY_EDGE] = "1";
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.OUTPORT_TRUSTED_PROXIES;
    else process.env.OUTPORT_TRUSTED_PROXIES = saved;
    delete process.env[PEER_HEADER_SET_BY_EDGE];
  });

  it("believes the peer header only when our HTTP server runs in this process (not under a bare next start)", () => {
    delete process.env[PEER_HEADER_SET_BY_EDGE];
    expect(clientIp(new Headers({ [PEER_HEADER]: "203.0.113.50" }))).toBeNull();
    process.env[PEER_HEADER_SET_BY_EDGE] = "1";
    expect(clientIp(new Headers({ [PEER_HEADER]: "203.0.113.50" }))).toBe("203.0.113.50");
  });

  it("takes the peer our server reports; forwarded headers only from OUTPORT_TRUSTED_PROXIES", () => {
    delete process.env.OUTPORT_TRUSTED_PROXIES;
    const headers = new Headers({ [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": "203.0.113.7" });
    expect(clientIp(headers)).toBe("127.0.0.1");
    process.env.OUTPORT_TRUSTED_PROXIES = "loopback";
    expect(clientIp(headers)).toBe("203.0.113.7");
    // next-auth hands `authorize` a plain object of headers.
    expect(clientIp({ [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": ["198.51.100.1", "203.0.113.9"] })).toBe(
      "203.0.113.9",
    );
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.7" }))).toBeNull();
  });
});
