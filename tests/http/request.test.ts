import { describe, expect, it } from "vitest";
import { clientIp, parseCookies, requestLocale } from "@/lib/http/request";

describe("request helpers", () => {
  it("parses cookies, decoding values and skipping junk", () => {
    expect(parseCookies("a=1; b=hello%20world; junk; =x; c=%E0%A4%A")).toEqual({
      a: "1",
      b: "hello world",
      c: "%E0%A4%A",
    });
    expect(parseCookies(null)).toEqual({});
  });

  it("takes the locale from the cookie, then Accept-Language", () => {
    expect(requestLocale(new Headers({ cookie: "outport_locale=ko" }))).toBe("ko");
    expect(requestLocale(new Headers({ "accept-language": "ko-KR" }))).toBe("ko");
    expect(requestLocale(new Headers())).toBe("en");
  });

  it("reads the client address from the first forwarded hop", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.7, 10.0.0.1" }))).toBe("203.0.113.7");
    expect(clientIp(new Headers({ "x-real-ip": "198.51.100.2" }))).toBe("198.51.100.2");
    expect(clientIp(new Headers())).toBeNull();
  });
});
