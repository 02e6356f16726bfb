import { describe, expect, it } from "vitest";
import { parseCookies, requestLocale } from "@/lib/http/request";

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
});
