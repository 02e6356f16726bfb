// GET /api/health with OUTPORT_STORAGE=s3, against an s3rver behind the fault proxy: 200
// while the bucket answers, 503 naming the storage when it is out of reach (connections
// closed, or a port nothing listens on) or refuses the app — never with the endpoint, the
// bucket or the error's text in the answer.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET } from "@/app/api/health/route";
import { S3_TIMEOUTS, S3ExportStore } from "@/lib/files/s3-export-store";
import { checkHealth } from "@/lib/metrics/check-health";
import { routeContext } from "../helpers/auth";
import { closedEndpoint, startS3FaultProxy, type S3FaultProxy } from "../helpers/s3-fault-proxy";
import { startS3Server, type S3TestServer } from "../helpers/s3-server";
import { envOverrides } from "../helpers/env";

let server: S3TestServer;
let proxy: S3FaultProxy;
const env = envOverrides();
const setEnv = env.set;

type HealthBody = {
  status: string;
  failing: string[];
  database: { status: string };
  storage: { status: string; kind: string; ms: number };
};

async function health(): Promise<{ status: number; body: HealthBody; text: string }> {
  const response = await GET(new Request("http://127.0.0.1:3000/api/health"), routeContext({}));
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as HealthBody, text };
}

beforeAll(async () => {
  server = await startS3Server("outport-health-bucket");
  proxy = await startS3FaultProxy(server);
  env.setAll(server.env("health/"));
});

afterAll(async () => {
  env.restore();
  await proxy.stop();
  await server.stop();
});

beforeEach(() => {
  proxy.fault(null);
  proxy.up();
  setEnv("OUTPORT_S3_ENDPOINT", proxy.endpoint);
});

function expectStorageDown({ status, body, text }: Awaited<ReturnType<typeof health>>, endpoint: string) {
  expect(status).toBe(503);
  expect(body).toMatchObject({ status: "error", failing: ["storage"], storage: { status: "error", kind: "s3" } });
  expect(body.database.status).toBe("ok");
  expect(text).not.toContain(new URL(endpoint).port);
  expect(text).not.toContain(server.bucket);
  expect(text).not.toMatch(/ECONN|EPIPE|socket/i);
}

describe("GET /api/health with S3 storage", () => {
  it("answers 200 while the bucket answers", async () => {
    const { status, body, text } = await health();
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: "ok", failing: [], storage: { status: "ok", kind: "s3" } });
    expect(text).not.toContain(server.bucket);
  });

  it("answers 503 naming the storage while the storage closes every connection, and 200 once it is back", async () => {
    proxy.down();
    expectStorageDown(await health(), proxy.endpoint);
    proxy.up();
    expect((await health()).status).toBe(200);
  });

  it("answers 503 naming the storage when nothing listens at the endpoint", async () => {
    const endpoint = await closedEndpoint();
    setEnv("OUTPORT_S3_ENDPOINT", endpoint);
    expectStorageDown(await health(), endpoint);
  });

  it("names the storage as failing within the probe's timeout when the storage never answers", async () => {
    proxy.fault({ on: ["Other"], answer: "stall" }); // HeadBucket
    // A silent connection is given up on after 2 minutes; the health check does not wait that long.
    const store = new S3ExportStore(
      { ...server.settings("health/"), endpoint: proxy.endpoint },
      1000,
      {},
      { ...S3_TIMEOUTS, probeMs: 300 },
    );
    const result = await checkHealth(store);
    expect(result).toMatchObject({ status: "error", failing: ["storage"], storage: { status: "error" } });
  });

  it("answers 503 naming the storage when the bucket refuses the app", async () => {
    proxy.fault({ on: ["Other"], answer: "AccessDenied" }); // HeadBucket
    expectStorageDown(await health(), proxy.endpoint);
  });
});
