// /api/auth/* with hostile or malformed requests: never a 5xx, never a redirect off the
// app's origin, whatever the Host header, the callback URL cookie or the body says.
import { afterAll, describe, expect, it } from "vitest";
import { AUTH_BODY_LIMIT_BYTES } from "@/lib/auth/auth-route";
import { prisma } from "@/lib/data/prisma";
import { APP, callAuth, csrf, postCredentials, setsSession } from "./auth-client";

const IP = "192.0.2.77";
const SIGN_IN_IP = "192.0.2.78"; // the other tests make many wrong attempts from IP
const HOSTILE_CALLBACKS = [
  "/datasets",
  "//evil.example/x",
  "/\\evil.example",
  "javascript:alert(1)",
  "http://evil.example/x",
  "not a url",
  "%zz",
  "x".repeat(3000),
];

/** Every URL a response names (Location header, JSON `url`), to check none leaves the app. */
async function urlsIn(response: Response): Promise<string[]> {
  const urls: string[] = [];
  const location = response.headers.get("location");
  if (location) urls.push(location);
  const text = await response.text();
  if ((response.headers.get("content-type") ?? "").includes("json") && text) {
    const body = JSON.parse(text) as { url?: unknown };
    if (typeof body.url === "string") urls.push(body.url);
  }
  return urls;
}

function expectOnApp(urls: string[]) {
  for (const url of urls) {
    expect(new URL(url, APP).origin, url).toBe(new URL(APP).origin);
  }
}

afterAll(async () => {
  await prisma().auditEvent.deleteMany({ where: { ip: { in: [IP, SIGN_IN_IP] } } });
});

describe("next-auth's edge cases never answer 5xx", () => {
  it("GET on the credentials callback sends the browser to the sign-in page", async () => {
    for (const method of ["GET"] as const) {
      const response = await callAuth("callback/credentials", { method });
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(`${APP}/login`);
    }
  });

  it("a callback URL cookie that is relative, protocol-relative, a script or elsewhere is not followed", async () => {
    const token = await csrf();
    for (const value of HOSTILE_CALLBACKS) {
      const cookie = `${token.cookie}; next-auth.callback-url=${encodeURIComponent(value)}`;
      const responses = [
        await callAuth("session", { headers: { cookie } }),
        await callAuth("csrf", { headers: { cookie } }),
        await callAuth("signin", { headers: { cookie } }),
        await callAuth("providers", { headers: { cookie } }),
        await postCredentials("viewer@outport.local", "wrong", { ip: IP, token: { ...token, cookie } }),
        await callAuth("signout", {
          method: "POST",
          headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ csrfToken: token.csrfToken, json: "true" }),
        }),
      ];
      for (const response of responses) {
        expect(response.status, value).toBeLessThan(500);
        expectOnApp(await urlsIn(response));
      }
    }
  });

  it("a hostile callbackUrl in the query or the body is not followed", async () => {
    const token = await csrf();
    for (const value of HOSTILE_CALLBACKS) {
      const query = await callAuth(`signin?callbackUrl=${encodeURIComponent(value)}`);
      expect(query.status, value).toBeLessThan(500);
      expectOnApp(await urlsIn(query));
      const body = await postCredentials("viewer@outport.local", "wrong", {
        ip: IP,
        token,
        extra: { callbackUrl: value },
      });
      expect(body.status, value).toBeLessThan(500);
      expectOnApp(await urlsIn(body));
    }
  });

  it("unknown actions and providers get a 4xx or a redirect", async () => {
    const token = await csrf();
    const cases = [
      await callAuth(""),
      await callAuth("nope"),
      await callAuth("nope", { method: "POST" }),
      await callAuth("signin/nope"),
      await callAuth("signin/nope", { method: "POST" }),
      await callAuth("callback/nope"),
      await callAuth("callback/nope", {
        method: "POST",
        headers: { cookie: token.cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrfToken: token.csrfToken, json: "true" }),
      }),
      await callAuth("callback/credentials/extra", { method: "POST" }),
      await callAuth("error?error=%3Cscript%3E"),
      await callAuth("verify-request"),
    ];
    for (const response of cases) {
      expect(response.status).toBeLessThan(500);
      expectOnApp(await urlsIn(response));
    }
  });

  it("a bad or missing CSRF token, missing fields or a malformed body sign nobody in", async () => {
    const token = await csrf();
    const form = { "content-type": "application/x-www-form-urlencoded", cookie: token.cookie, "x-outport-peer": IP };
    const cases = [
      await postCredentials("viewer@outport.local", "outport-viewer", {
        ip: IP,
        token: { ...token, csrfToken: "forged" },
      }),
      await postCredentials("viewer@outport.local", "outport-viewer", { ip: IP, token: { ...token, cookie: "" } }),
      await callAuth("callback/credentials", { method: "POST", headers: form }),
      await callAuth("callback/credentials", {
        method: "POST",
        headers: form,
        body: new URLSearchParams({ csrfToken: token.csrfToken, json: "true" }),
      }),
      await callAuth("callback/credentials", {
        method: "POST",
        headers: form,
        body: new URLSearchParams({ csrfToken: token.csrfToken, email: "viewer@outport.local", json: "true" }),
      }),
      await callAuth("callback/credentials", {
        method: "POST",
        headers: { ...form, "content-type": "application/json" },
        body: JSON.stringify(["not", "an", "object"]),
      }),
      await callAuth("callback/credentials", {
        method: "POST",
        headers: { ...form, "content-type": "application/json" },
        body: JSON.stringify({ email: { $ne: "" }, password: 1, csrfToken: token.csrfToken, json: "true" }),
      }),
      await callAuth("callback/credentials", {
        method: "POST",
        headers: { ...form, "content-type": "text/plain" },
        body: "x",
      }),
    ];
    for (const response of cases) {
      expect(response.status).toBeGreaterThanOrEqual(200);
      expect(response.status).toBeLessThan(500);
      expect(setsSession(response)).toBe(false);
    }
  });

  it("a NUL or a lone surrogate in a sign-in field is a 422 naming the field, and nothing is checked", async () => {
    const token = await csrf();
    for (const [email, password, field] of [
      ["viewer@outport.local\u0000", "outport-viewer", "email"],
      ["viewer@outport.local", "outport-viewer\u0000", "password"],
    ] as const) {
      const response = await postCredentials(email, password, { ip: IP, token });
      expect(response.status, field).toBe(422);
      expect(setsSession(response)).toBe(false);
      expect((await response.json()).errors).toEqual([{ field, message: expect.stringMatching(/NUL/) }]);
    }
    const surrogate = await callAuth("callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/json", cookie: token.cookie, "x-outport-peer": IP },
      body: `{"email":"\\ud800@outport.local","password":"x","csrfToken":"${token.csrfToken}"}`,
    });
    expect(surrogate.status).toBe(422);
    expect((await surrogate.json()).errors).toEqual([{ field: "email", message: expect.stringMatching(/Unicode/) }]);
    const query = await callAuth("signin?callbackUrl=%00");
    expect(query.status).toBe(422);
  });

  it("a malformed JSON body is a 422 naming the body, a body past the limit a 413", async () => {
    const token = await csrf();
    const malformed = await callAuth("callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/json", cookie: token.cookie },
      body: "{",
    });
    expect(malformed.status).toBe(422);
    expect(await malformed.json()).toMatchObject({ errors: [{ field: "(body)", message: "must be valid JSON" }] });

    for (const path of ["callback/credentials", "signout", "nope"]) {
      const huge = await callAuth(path, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: token.cookie },
        body: new URLSearchParams({ csrfToken: token.csrfToken, password: "x".repeat(AUTH_BODY_LIMIT_BYTES * 64) }),
      });
      expect(huge.status).toBe(413);
      expect((await huge.json()).detail).toMatch(/too large/);
    }
  });
});

describe("a forged Host cannot steer next-auth's URLs", () => {
  it("answers for the canonical origin when Host or X-Forwarded-Host name another site", async () => {
    const token = await csrf();
    const forgeries: Record<string, string>[] = [
      { host: "evil.example" },
      { host: "evil.example:3000" },
      { host: "127.0.0.1:3000", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" },
      { host: "127.0.0.1:9999" },
    ];
    for (const headers of forgeries) {
      const failed = await callAuth("callback/credentials", {
        method: "POST",
        headers: {
          ...headers,
          "content-type": "application/x-www-form-urlencoded",
          cookie: token.cookie,
          "x-outport-peer": IP,
        },
        body: new URLSearchParams({
          email: "viewer@outport.local",
          password: "wrong",
          csrfToken: token.csrfToken,
          callbackUrl: "http://evil.example/x",
          json: "true",
        }),
      });
      const [url] = await urlsIn(failed);
      expect(new URL(url!).origin).toBe(APP);
      const providers = (await (await callAuth("providers", { headers })).json()) as {
        credentials: { callbackUrl: string };
      };
      expect(new URL(providers.credentials.callbackUrl).origin).toBe(APP);
    }
  });

  it("answers for another name of the address it is served on", async () => {
    const response = await callAuth("providers", { headers: { host: "localhost:3000" } });
    const providers = (await response.json()) as { credentials: { callbackUrl: string } };
    expect(new URL(providers.credentials.callbackUrl).origin).toBe("http://localhost:3000");
  });

  it("after a sign-in, follows only callback URLs on the app's own origin", async () => {
    const token = await csrf();
    for (const [callbackUrl, expected] of [
      [`${APP}/datasets/3`, `${APP}/datasets/3`],
      ["/datasets/2?x=1", `${APP}/datasets/2?x=1`],
      ["http://evil.example/x", APP],
      ["//evil.example/x", APP],
    ] as const) {
      const response = await postCredentials("viewer@outport.local", "outport-viewer", {
        ip: SIGN_IN_IP,
        token,
        extra: { callbackUrl },
      });
      expect(response.status).toBe(200);
      expect(setsSession(response)).toBe(true);
      expect(new URL(((await response.json()) as { url: string }).url).href).toBe(new URL(expected).href);
    }
  });
});
