// Export jobs whose bucket fails them, against an s3rver behind a proxy that fails the way a
// real bucket does (tests/helpers/s3-fault-proxy.ts): full mid-upload or at the first byte,
// over quota, refusing the app, out of reach (a closed port, connections reset or closed),
// and the final metadata copy failing. Each job fails in plain words (English and Korean),
// on its row and in its export_failed event, and nothing is left: no object under the
// prefix, no multipart upload with parts, no temporary file, no storage key or hash.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DeleteObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/data/prisma";
import { exportJob } from "@/lib/exports/export-job";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import { S3_PART_SIZE, S3ExportStore } from "@/lib/files/s3-export-store";
import { storageFailure } from "@/lib/files/storage-failure";
import { newStorageKey } from "@/lib/files/storage-key";
import { runJob } from "@/lib/jobs/run-job";
import { demoUser, type DemoWho } from "../helpers/auth";
import { closedEndpoint, startS3FaultProxy, type Fault, type S3FaultProxy } from "../helpers/s3-fault-proxy";
import { startS3Server, type S3TestServer } from "../helpers/s3-server";
import { envOverrides } from "../helpers/env";
import { createdJob, downloadAs, jobJson, statusOf } from "./helpers";

const PREFIX = "faults-test/";
const BIG = "All Students 2024-2025"; // 75,000 rows, the admin's: a CSV of several parts
const SMALL = "Q1 Sales"; // the manager's: a CSV of one PUT
const ONE_ATTEMPT = { maxAttempts: 1 } as const;

const WORDS = {
  storage_full: {
    en: "The file storage is full, so the export file could not be saved. An administrator needs to free space or raise the storage limit.",
    ko: "파일 저장소가 가득 차서 내보내기 파일을 저장하지 못했습니다. 관리자가 공간을 확보하거나 저장 한도를 늘려야 합니다.",
  },
  storage_refused: {
    en: "The file storage refused to save the export file. An administrator needs to check the storage settings.",
    ko: "파일 저장소가 내보내기 파일의 저장을 거부했습니다. 관리자가 저장소 설정을 확인해야 합니다.",
  },
  storage_unreachable: {
    en: "The file storage could not be reached, so the export file could not be saved. Try again later; if it keeps failing, contact an administrator.",
    ko: "파일 저장소에 연결할 수 없어 내보내기 파일을 저장하지 못했습니다. 잠시 후 다시 시도하고, 계속 실패하면 관리자에게 문의하세요.",
  },
} as const;
type Failure = keyof typeof WORDS;

let server: S3TestServer;
let proxy: S3FaultProxy;
/** The bucket seen directly, past the proxy. */
let direct: S3ExportStore;
const exportDir = mkdtempSync(path.join(os.tmpdir(), "outport-s3-faults-"));
const env = envOverrides();
const setEnv = env.set;

beforeAll(async () => {
  server = await startS3Server();
  proxy = await startS3FaultProxy(server);
  direct = new S3ExportStore(server.settings(PREFIX));
  env.setAll(server.env(PREFIX));
  setEnv("OUTPORT_EXPORT_DIR", exportDir);
});

afterAll(async () => {
  env.restore();
  await proxy.stop();
  await server.stop();
  rmSync(exportDir, { recursive: true, force: true });
});

beforeEach(async () => {
  proxy.fault(null);
  proxy.up();
  setEnv("OUTPORT_S3_ENDPOINT", proxy.endpoint);
  setEnv("OUTPORT_S3_BUCKET", server.bucket);
  await resetExportRequests((await demoUser("manager")).id);
  await resetExportRequests((await demoUser("admin")).id);
  // Each test judges what it leaves itself: a failed one's leftovers are cleared first.
  rmSync(path.join(server.directory, server.bucket, "._S3rver_uploads"), { recursive: true, force: true });
  for (const key of await objectsUnderPrefix()) {
    await direct.client.send(new DeleteObjectCommand({ Bucket: server.bucket, Key: key }));
  }
  for (const name of readdirSync(exportDir)) rmSync(path.join(exportDir, name), { force: true });
});

/** Object keys under the prefix, listed past the proxy. */
async function objectsUnderPrefix(): Promise<string[]> {
  const page = await direct.client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: PREFIX }));
  return (page.Contents ?? []).map((item) => item.Key ?? "");
}

async function expectNothingLeft() {
  expect(await objectsUnderPrefix()).toEqual([]);
  expect(proxy.leftoverUploads()).toEqual([]);
  expect(readdirSync(exportDir)).toEqual([]);
}

/** The job failed with these words, on its row, in both languages and in its audit event. */
/** A storage key: kept on the row when the storage could not confirm that nothing is under it. */
const A_KEY = expect.stringMatching(/^[0-9a-f-]{36}\.csv$/) as unknown as string;

async function expectFailed(
  who: DemoWho,
  jobId: string,
  failure: Failure,
  attempts = 1,
  key: "cleared" | "kept" = "cleared",
) {
  const row = await prisma().exportJob.findUniqueOrThrow({ where: { id: jobId } });
  expect(row).toMatchObject({
    status: "failed",
    errorMessage: `job.error.${failure}`,
    attempts,
    // Out of reach, the store cannot say that nothing is under the key: it stays, for the
    // next attempt or the cleanup to remove what may be there.
    storageKey: key === "cleared" ? null : A_KEY,
    sha256: null,
  });
  const json = await jobJson(who, jobId);
  expect(json.error_message).toBe(WORDS[failure].en);
  expect(json.download_url).toBeNull();
  const ko = (await (await statusOf(who, jobId, { "accept-language": "ko" })).json()) as { error_message: string };
  expect(ko.error_message).toBe(WORDS[failure].ko);
  const audit = await prisma().auditEvent.findMany({
    where: { action: "export_failed", details: { path: ["job_id"], equals: jobId } },
  });
  expect(audit).toHaveLength(1);
  expect(audit[0]!.details).toMatchObject({ error: `job.error.${failure}`, attempt: attempts });
  return { row, audit: audit[0]! };
}

/** A job run once against the fault. */
async function failOnce(who: DemoWho, title: string, fault: Fault | null) {
  const job = await createdJob(who, title, "csv");
  proxy.fault(fault);
  const from = proxy.seen.length;
  const outcome = await runJob(exportJob, job.job_id, ONE_ATTEMPT);
  return { id: job.job_id, outcome, seen: proxy.seen.slice(from) };
}

describe("the fault proxy", () => {
  it("lets a multipart write through when no fault is set, and sees its parts", async () => {
    const store = new S3ExportStore({ ...server.settings(PREFIX), endpoint: proxy.endpoint });
    const key = newStorageKey("csv");
    const chunk = Buffer.alloc(1 << 20, 0x61);
    const from = proxy.seen.length;
    const written = await store.write(
      key,
      (async function* () {
        for (let i = 0; i < 6; i++) yield chunk;
      })(),
    );
    expect(written.size).toBe(6 << 20);
    expect(proxy.seen.slice(from).map((s) => s.request)).toEqual(
      expect.arrayContaining(["CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "CopyObject"]),
    );
    expect(await objectsUnderPrefix()).toEqual([store.objectKey(key)]);
    await store.remove(key);
    await expectNothingLeft();
  });
});

describe("a full bucket", () => {
  it("fails a job whose bucket fills up after its first 5 MiB part was accepted, aborting the upload", async () => {
    const { id, outcome, seen } = await failOnce("admin", BIG, {
      answer: "InsufficientStorage",
      afterBytes: S3_PART_SIZE,
    });
    expect(outcome).toBe("failed");
    // One part went in, the next was refused, and the multipart upload was aborted.
    expect(seen).toContainEqual({ request: "UploadPart", hit: false });
    expect(seen).toContainEqual({ request: "UploadPart", hit: true });
    expect(seen).toContainEqual({ request: "AbortMultipartUpload", hit: false });
    expect(seen.map((s) => s.request)).not.toContain("CompleteMultipartUpload");
    const { row, audit } = await expectFailed("admin", id, "storage_full");
    // The rows it had done stay on the row, the same number as in its event.
    expect(row.processedRows).toBeGreaterThan(0);
    expect(audit.details).toMatchObject({ rows: row.processedRows });
    await expectNothingLeft();
  });

  it("stops reading the export as soon as the bucket refused a part, and says why", async () => {
    const store = new S3ExportStore({ ...server.settings(PREFIX), endpoint: proxy.endpoint });
    proxy.fault({ answer: "InsufficientStorage", afterBytes: S3_PART_SIZE });
    const chunk = Buffer.alloc(1 << 20, 0x62);
    let read = 0;
    const endless = async function* () {
      for (; read < 1024; read++) yield chunk; // a GiB, were it all read
    };
    const error = await store.write(newStorageKey("csv"), endless()).then(
      () => null,
      (failure: unknown) => failure,
    );
    expect(storageFailure(error)).toBe("storage_full");
    // A part accepted, one refused, what was queued meanwhile: far from the whole.
    expect(read).toBeLessThan(64);
    await expectNothingLeft();
  });

  it("fails a job whose bucket is full at the first byte", async () => {
    const { id, outcome, seen } = await failOnce("manager", SMALL, { answer: "InsufficientStorage" });
    expect(outcome).toBe("failed");
    expect(seen).toContainEqual({ request: "PutObject", hit: true });
    await expectFailed("manager", id, "storage_full");
    await expectNothingLeft();
  });

  it.each(["QuotaExceeded", "EntityTooLarge"] as const)(
    "reads %s (a 4xx of stores with quotas) as full, not as a refusal",
    async (answer) => {
      const { id, outcome } = await failOnce("manager", SMALL, { answer });
      expect(outcome).toBe("failed");
      await expectFailed("manager", id, "storage_full");
      await expectNothingLeft();
    },
  );
});

describe("a bucket that refuses the app", () => {
  it("fails a job at once on AccessDenied, without a retry", async () => {
    const job = await createdJob("manager", SMALL, "csv");
    proxy.fault({ answer: "AccessDenied" });
    // Attempts to spare: a refusal is not retried all the same.
    expect(await runJob(exportJob, job.job_id, { maxAttempts: 3, retryDelaySeconds: 3600 })).toBe("failed");
    await expectFailed("manager", job.job_id, "storage_refused");
    await expectNothingLeft();
  });

  it("fails a job at once when the bucket does not exist", async () => {
    const job = await createdJob("manager", SMALL, "csv");
    setEnv("OUTPORT_S3_BUCKET", "no-such-bucket-here");
    expect(await runJob(exportJob, job.job_id, { maxAttempts: 3, retryDelaySeconds: 3600 })).toBe("failed");
    await expectFailed("manager", job.job_id, "storage_refused");
    await expectNothingLeft();
  });
});

describe("a bucket out of reach", () => {
  it("retries a job whose endpoint refuses connections, then fails it in plain words once attempts are used up", async () => {
    const job = await createdJob("manager", SMALL, "csv");
    setEnv("OUTPORT_S3_ENDPOINT", await closedEndpoint());
    // A long delay: no worker anywhere takes the retry before this test runs it itself.
    const options = { maxAttempts: 2, retryDelaySeconds: 3600 };
    expect(await runJob(exportJob, job.job_id, options)).toBe("retrying");
    const between = await prisma().exportJob.findUniqueOrThrow({ where: { id: job.job_id } });
    expect(between).toMatchObject({ status: "pending", attempts: 1, storageKey: A_KEY });
    expect(await runJob(exportJob, job.job_id, options)).toBe("failed");
    await expectFailed("manager", job.job_id, "storage_unreachable", 2, "kept");
    await expectNothingLeft();
  });

  it("fails a job whose upload connections are reset after the first part, aborting the upload", async () => {
    const { id, outcome, seen } = await failOnce("admin", BIG, { answer: "reset", afterBytes: S3_PART_SIZE });
    expect(outcome).toBe("failed");
    expect(seen).toContainEqual({ request: "UploadPart", hit: false });
    // The SDK tried the cut part again itself before giving up.
    expect(seen.filter((s) => s.request === "UploadPart" && s.hit).length).toBeGreaterThanOrEqual(3);
    expect(seen).toContainEqual({ request: "AbortMultipartUpload", hit: false });
    await expectFailed("admin", id, "storage_unreachable");
    await expectNothingLeft();
  });

  it("gives up on a storage that takes the request and never answers, after its idle timeout", async () => {
    // The store's timeouts made short; by default a connection silent for 2 minutes.
    const store = new S3ExportStore(
      { ...server.settings(PREFIX), endpoint: proxy.endpoint },
      1000,
      {},
      { connectMs: 1000, idleMs: 300, probeMs: 300 },
    );
    proxy.fault({ answer: "stall" });
    const oneLine = async function* () {
      yield Buffer.from("id,name\n1,a\n");
    };
    const error = await store.write(newStorageKey("csv"), oneLine()).then(
      () => null,
      (failure: unknown) => failure,
    );
    expect(storageFailure(error)).toBe("storage_unreachable");
    proxy.fault(null);
    await expectNothingLeft();
  });

  it("fails a job whose storage closes every connection", async () => {
    const job = await createdJob("manager", SMALL, "csv");
    proxy.down();
    expect(await runJob(exportJob, job.job_id, ONE_ATTEMPT)).toBe("failed");
    await expectFailed("manager", job.job_id, "storage_unreachable", 1, "kept");
    proxy.up();
    await expectNothingLeft();
  });
});

describe("a download while the bucket is out of reach", () => {
  it("answers 503 in words with Retry-After, counts nothing, and serves the file once the bucket is back", async () => {
    const job = await createdJob("manager", SMALL, "csv");
    expect(await runJob(exportJob, job.job_id, ONE_ATTEMPT)).toBe("completed");
    proxy.down();
    const refused = await downloadAs("manager", job.job_id);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("30");
    expect(((await refused.json()) as { detail: string }).detail).toBe(
      "The file storage cannot be reached right now, so the file cannot be downloaded. Try again in a minute; if it keeps failing, contact an administrator.",
    );
    const downloads = () =>
      prisma().auditEvent.count({
        where: { action: "export_downloaded", targetId: job.job_id },
      });
    expect(await downloads()).toBe(0);
    proxy.up();
    const served = await downloadAs("manager", job.job_id);
    expect(served.status).toBe(200);
    expect((await served.text()).split("\r\n")[0]).toContain(",");
    expect(await downloads()).toBe(1);
  });
});

describe("the metadata copy after the upload", () => {
  it.each([
    ["answered InsufficientStorage", { on: ["CopyObject"], answer: "InsufficientStorage" }, "storage_full"],
    ["cut off", { on: ["CopyObject"], answer: "reset" }, "storage_unreachable"],
  ] as const)("when %s, removes the uploaded object and fails the job", async (_, fault, failure) => {
    const { id, outcome, seen } = await failOnce("manager", SMALL, { on: [...fault.on], answer: fault.answer });
    expect(outcome).toBe("failed");
    // The object was complete before the copy, then removed again.
    expect(seen).toContainEqual({ request: "PutObject", hit: false });
    expect(seen).toContainEqual({ request: "CopyObject", hit: true });
    await expectFailed("manager", id, failure);
    await expectNothingLeft();
  });
});

describe("what counts as the storage's failure", () => {
  it("only errors of the S3 client: a database connection reset is not the storage's", () => {
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    expect(storageFailure(reset)).toBeNull();
    expect(storageFailure(Object.assign(reset, { $metadata: { attempts: 3 } }))).toBe("storage_unreachable");
  });

  it("sorts codes before statuses: a 403 QuotaExceeded is full, a 503 SlowDown out of reach", () => {
    const s3 = (name: string, httpStatusCode: number) =>
      Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });
    expect(storageFailure(s3("QuotaExceeded", 403))).toBe("storage_full");
    expect(storageFailure(s3("AccessDenied", 403))).toBe("storage_refused");
    expect(storageFailure(s3("SlowDown", 503))).toBe("storage_unreachable");
    expect(storageFailure(s3("Whatever", 507))).toBe("storage_full");
    expect(storageFailure(s3("PreconditionFailed", 412))).toBeNull();
    // Through a cause, as an error wrapped by the code that saw it.
    expect(storageFailure(new Error("writing failed", { cause: s3("NoSuchBucket", 404) }))).toBe("storage_refused");
  });
});
