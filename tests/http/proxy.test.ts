import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import { proxy } from "@/proxy";

beforeAll(() => {
  process.env.NEXTAUTH_SECRET = "proxy-test-secret";
});

function request(path: string, cookie?: string, headers: Record<string, string> = {}) {
  return new NextRequest(new URL(path, "http://127.0.0.1:3000"), {
    headers: cookie ? { cookie, ...headers } : headers,
  });
}

describe("proxy", () => {
  it("answers anonymous API calls with 401 JSON, in the caller's language", async () => {
    const response = await proxy(request("/api/datasets"));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ detail: "Sign in to continue." });
    const korean = await proxy(request("/api/datasets", undefined, { "accept-language": "ko-KR" }));
    expect(await korean.json()).toEqual({ detail: "계속하려면 로그인하세요." });
  });

  it("redirects anonymous page visits to the sign-in page, remembering where they were going", async () => {
    const response = await proxy(request("/datasets/3?x=1"));
    expect(response.status).toBe(307);
    const location = new URL(response.headers.get("location") ?? "");
    expect(location.pathname).toBe("/login");
    expect(location.searchParams.get("callbackUrl")).toBe("/datasets/3?x=1");
  });

  it("lets public paths and signed-in requests through", async () => {
    for (const path of ["/login", "/api/health", "/api/auth/csrf"]) {
      expect((await proxy(request(path))).headers.get("x-middleware-next")).toBe("1");
    }
    const token = await encode({ token: { sub: "1" }, secret: "proxy-test-secret" });
    const response = await proxy(request("/api/datasets", `next-auth.session-token=${token}`));
    expect(response.headers.get("x-middleware-next")).toBe("1");
  });

  it("rejects a forged session cookie", async () => {
    const forged = await encode({ token: { sub: "1" }, secret: "another-secret" });
    expect((await proxy(request("/api/datasets", `next-auth.session-token=${forged}`))).status).toBe(401);
  });
});
