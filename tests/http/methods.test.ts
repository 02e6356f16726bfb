import { describe, expect, it } from "vitest";
import { otherMethods, withUser } from "@/lib/http/handler";
import { allowedMethods, methodNotAllowed } from "@/lib/http/methods";

const ok = () => Promise.resolve(new Response("ok"));
const get = withUser(ok, { can: "datasets.view" });
const post = withUser(ok, { can: "datasets.view" });
const countingGet = withUser(ok, { can: "datasets.view", sideEffects: true });

describe("allowedMethods", () => {
  it("derives Allow from what a route module exports", () => {
    expect(allowedMethods({ GET: get })).toEqual(["GET", "HEAD", "OPTIONS"]);
    expect(allowedMethods({ POST: post })).toEqual(["OPTIONS", "POST"]);
    expect(allowedMethods({ GET: get, POST: post })).toEqual(["GET", "HEAD", "OPTIONS", "POST"]);
    expect(allowedMethods({ DELETE: post, dynamic: "force-dynamic" })).toEqual(["OPTIONS", "DELETE"]);
  });

  it("leaves HEAD out when the GET has side effects", () => {
    expect(allowedMethods({ GET: countingGet, POST: post })).toEqual(["GET", "OPTIONS", "POST"]);
  });

  it("does not count the refusals otherMethods made", () => {
    const routeModule = { GET: get, ...otherMethods({ GET: get }) };
    expect(allowedMethods(routeModule)).toEqual(["GET", "HEAD", "OPTIONS"]);
  });
});

describe("otherMethods", () => {
  const request = (method: string, headers: Record<string, string> = {}) =>
    new Request("http://127.0.0.1:3000/api/x", { method, headers });

  it("answers every other method 405 with Allow and a translated detail", async () => {
    const { PUT, DELETE, PATCH, POST } = otherMethods({ GET: get });
    for (const handler of [PUT, DELETE, PATCH, POST]) {
      const response = await handler(request("PUT"));
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    }
    const english = await PUT(request("PUT"));
    expect(await english.json()).toEqual({ detail: "PUT is not allowed here. Allowed: GET, HEAD, OPTIONS." });
    const korean = await DELETE(request("DELETE", { "accept-language": "ko" }));
    expect((await korean.json()).detail).toBe("여기서는 DELETE 메서드를 사용할 수 없습니다. 허용: GET, HEAD, OPTIONS.");
  });

  it("answers OPTIONS 204 with Allow", async () => {
    const { OPTIONS } = otherMethods({ POST: post });
    const response = await OPTIONS(request("OPTIONS"));
    expect(response.status).toBe(204);
    expect(response.headers.get("allow")).toBe("OPTIONS, POST");
  });

  it("runs the GET for HEAD, unless the GET has side effects", async () => {
    expect(otherMethods({ GET: get }).HEAD).toBe(get);
    const { HEAD } = otherMethods({ GET: countingGet, POST: post });
    expect(HEAD).not.toBe(countingGet);
    const response = await (HEAD as (req: Request) => Promise<Response>)(request("HEAD"));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, OPTIONS, POST");
  });

  it("names only methods Node knows in the detail", async () => {
    const response = methodNotAllowed("<b>BREW</b>", ["GET"], "en");
    expect((await response.json()).detail).toBe("? is not allowed here. Allowed: GET.");
  });
});
