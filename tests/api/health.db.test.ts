import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/health/route";
import { routeContext } from "../helpers/auth";

describe("GET /api/health", () => {
  it("reports the database as reachable", async () => {
    const response = await GET(new Request("http://127.0.0.1:3000/api/health"), routeContext({}));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok", database: "ok" });
  });
});
