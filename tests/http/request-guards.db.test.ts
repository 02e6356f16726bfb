// withUser's checks on a request before its handler runs, through real route handlers:
// other sites (403), bodies that are not JSON (415), bodies past the route's size (413),
// and HEAD on a GET with side effects (405, nothing counted or audited).
import { beforeEach, describe, expect, it } from "vitest";
import { GET as exportGet, HEAD as exportHead, POST as exportPost } from "@/app/api/export/[format]/[datasetId]/route";
import { prisma } from "@/lib/data/prisma";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import { withUser } from "@/lib/http/handler";
import { DEFAULT_MAX_BODY_BYTES } from "@/lib/http/request-guards";
import { demoUser, requestAs, routeContext } from "../helpers/auth";

const HOST = "127.0.0.1:3000";

async function datasetId() {
  return (await prisma().dataset.findFirstOrThrow({ where: { title: "Q1 Sales" } })).id;
}

/** A POST of a CSV export as the manager, as a browser or a script would send it. */
async function postExport(headers: Record<string, string>, body?: BodyInit) {
  const id = await datasetId();
  const sent = body ?? JSON.stringify({ columns: ["region"] });
  const length = typeof sent === "string" ? { "content-length": String(Buffer.byteLength(sent)) } : {};
  const req = await requestAs("manager", `/api/export/csv/${id}`, {
    method: "POST",
    body: sent,
    headers: { host: HOST, "content-type": "application/json", ...length, ...headers },
    ...(typeof sent === "string" ? {} : { duplex: "half" }),
  } as RequestInit);
  const response = await exportPost(req, routeContext({ format: "csv", datasetId: String(id) }));
  // Read to the end, so that no export is left streaming.
  return new Response(await response.arrayBuffer(), { status: response.status, headers: response.headers });
}

/** Export requests the manager made that reached the use case (each is audited). */
async function requested() {
  const manager = await demoUser("manager");
  return prisma().auditEvent.count({ where: { actorId: manager.id, action: "export_requested" } });
}

beforeEach(async () => {
  await resetExportRequests((await demoUser("manager")).id);
});

describe("cross-site requests", () => {
  it("refuses a POST from another origin with 403, creating nothing", async () => {
    const before = await requested();
    for (const origin of [
      "http://evil.example",
      "http://127.0.0.1:3001",
      "null",
      "https://127.0.0.1:3000.evil.example",
    ]) {
      const response = await postExport({ origin });
      expect(response.status, origin).toBe(403);
      expect(await response.json()).toEqual({ detail: "This request came from another site and was refused." });
    }
    const korean = await postExport({ origin: "http://evil.example", "accept-language": "ko" });
    expect((await korean.json()).detail).toBe("다른 사이트에서 보낸 요청이라 거부되었습니다.");
    expect(await requested()).toBe(before);
  });

  it("refuses Sec-Fetch-Site: cross-site or same-site when there is no Origin", async () => {
    for (const site of ["cross-site", "same-site"])
      expect((await postExport({ "sec-fetch-site": site })).status).toBe(403);
  });

  it("accepts our own origin, a proxy's forwarded host, and clients that send no Origin", async () => {
    expect((await postExport({ origin: `http://${HOST}` })).status).toBe(200);
    expect(
      (await postExport({ origin: "https://outport.example", "x-forwarded-host": "outport.example" })).status,
    ).toBe(200);
    expect((await postExport({ "sec-fetch-site": "same-origin" })).status).toBe(200);
    expect((await postExport({})).status).toBe(200);
  });

  it("leaves public routes (next-auth's) to their own checks", async () => {
    const route = withUser(async ({ req }) => Response.json({ body: await req.text() }), { public: true });
    const req = new Request("http://127.0.0.1:3000/api/auth/callback/credentials", {
      method: "POST",
      body: "email=a&password=b",
      headers: {
        origin: "http://evil.example",
        "content-type": "application/x-www-form-urlencoded",
        "content-length": "18",
      },
    });
    const response = await route(req, routeContext({}));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ body: "email=a&password=b" });
  });
});

describe("request bodies", () => {
  it("answers 415 to a body that is not JSON (text/plain is not parsed as JSON)", async () => {
    const before = await requested();
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const response = await postExport({ "content-type": type });
      expect(response.status, type).toBe(415);
      expect(await response.json()).toEqual({
        detail: "Send the request body as JSON (Content-Type: application/json).",
      });
    }
    expect((await postExport({ "content-type": "application/json; charset=utf-8" })).status).toBe(200);
    expect(await requested()).toBe(before + 1);
  });

  it("answers 413 up front to a declared Content-Length past the route's limit", async () => {
    const response = await postExport({ "content-length": String(DEFAULT_MAX_BODY_BYTES + 1) }, "{}");
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      detail: `The request body is too large: at most ${DEFAULT_MAX_BODY_BYTES} bytes.`,
    });
  });

  it("answers 413 to a chunked body that grows past the limit while it is read", async () => {
    let sent = 0;
    const chunk = new TextEncoder().encode(`{"pad":"${"x".repeat(16 * 1024)}`);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.byteLength;
        if (sent > 10 * DEFAULT_MAX_BODY_BYTES) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const response = await postExport({ "transfer-encoding": "chunked" }, body);
    expect(response.status).toBe(413);
    // Reading stopped soon after the limit, not at the end of the upload.
    expect(sent).toBeLessThan(2 * DEFAULT_MAX_BODY_BYTES);
  });

  it("answers 400 to a Content-Length that is not a number", async () => {
    expect((await postExport({ "content-length": "12abc" }, "{}")).status).toBe(400);
  });
});

describe("HEAD on the export route", () => {
  it("is refused without costing a rate-limit point or writing an audit event", async () => {
    const manager = await demoUser("manager");
    const id = await datasetId();
    const params = routeContext({ format: "csv", datasetId: String(id) });
    const audited = () => prisma().auditEvent.count({ where: { actorId: manager.id } });
    const before = await audited();
    for (let i = 0; i < 12; i++) {
      const response = await (exportHead as typeof exportGet)(
        await requestAs("manager", `/api/export/csv/${id}`, { method: "HEAD" }),
        params,
      );
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("GET, OPTIONS, POST");
    }
    expect(await audited()).toBe(before);
    // All ten points of the minute are still there.
    for (let i = 0; i < 10; i++) {
      const response = await exportGet(await requestAs("manager", `/api/export/csv/${id}`), params);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    expect(exportPost).toBeDefined();
  });
});
