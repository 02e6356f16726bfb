// Export jobs with OUTPORT_STORAGE=s3, against an s3rver started by this file: a CSV job
// completes into the bucket (with its SHA-256 recorded on the object), the download route
// streams it with the right Repr-Digest or, with presigned downloads on, redirects to a
// URL that fetches the same bytes without credentials; retention removes the object; a
// large write goes up in bounded parts.
import { createHash } from "node:crypto";
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "@/lib/data/prisma";
import { exportJob } from "@/lib/exports/export-job";
import { resetExportRequests } from "@/lib/exports/export-rate-limit";
import { purgeExpiredExports } from "@/lib/exports/retention";
import { exportStore } from "@/lib/files/export-store";
import { S3_PART_SIZE, S3_QUEUE_SIZE, S3ExportStore } from "@/lib/files/s3-export-store";
import { newStorageKey } from "@/lib/files/storage-key";
import { runJob } from "@/lib/jobs/run-job";
import { demoUser } from "../helpers/auth";
import { startS3Server, type S3TestServer } from "../helpers/s3-server";
import { envOverrides } from "../helpers/env";
import { createdJob, downloadAs, headAs } from "./helpers";

const PREFIX = "jobs-test/";
let server: S3TestServer;
let store: S3ExportStore;
const env = envOverrides();

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest();

beforeAll(async () => {
  server = await startS3Server();
  env.setAll(server.env(PREFIX));
  store = new S3ExportStore(server.settings(PREFIX));
});

afterAll(async () => {
  env.restore();
  await server.stop();
});

beforeEach(async () => {
  delete process.env.OUTPORT_S3_PRESIGNED_DOWNLOADS;
  await resetExportRequests((await demoUser("manager")).id);
});

async function completedCsvJob() {
  const job = await createdJob("manager", "Q1 Sales", "csv");
  expect(await runJob(exportJob, job.job_id)).toBe("completed");
  return prisma().exportJob.findUniqueOrThrow({ where: { id: job.job_id } });
}

describe("export jobs stored in S3", () => {
  it("a CSV job lands in the bucket with its SHA-256, and downloads with the right Repr-Digest", async () => {
    expect(exportStore()).toBeInstanceOf(S3ExportStore);
    const row = await completedCsvJob();
    expect(row.storageKey).toBeTruthy();
    const head = await store.client.send(
      new HeadObjectCommand({ Bucket: server.bucket, Key: `${PREFIX}${row.storageKey}` }),
    );
    expect(head.Metadata?.sha256).toBe(row.sha256);
    expect(head.ContentLength).toBe(Number(row.fileSize));

    const response = await downloadAs("manager", row.id);
    expect(response.status).toBe(200);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.toString("utf8")).toContain("Order ID");
    expect(sha256(bytes).toString("hex")).toBe(row.sha256);
    expect(response.headers.get("repr-digest")).toBe(`sha-256=:${sha256(bytes).toString("base64")}:`);
    const checked = await headAs("manager", row.id);
    expect(checked.status).toBe(200);
    expect(checked.headers.get("repr-digest")).toBe(response.headers.get("repr-digest"));
  });

  it("with presigned downloads on: counted, then 302 to a URL that fetches the same bytes without credentials", async () => {
    const row = await completedCsvJob();
    process.env.OUTPORT_S3_PRESIGNED_DOWNLOADS = "true";
    const response = await downloadAs("manager", row.id);
    expect(response.status).toBe(302);
    const location = response.headers.get("location") ?? "";
    expect(location.startsWith(`${server.endpoint}/${server.bucket}/${PREFIX}${row.storageKey}?`)).toBe(true);
    expect(new URL(location).searchParams.get("X-Amz-Expires")).toBe("60");
    expect((await prisma().exportJob.findUniqueOrThrow({ where: { id: row.id } })).downloadCount).toBe(1);

    const fetched = await fetch(location); // no credentials: the signature is the permission
    expect(fetched.status).toBe(200);
    const bytes = Buffer.from(await fetched.arrayBuffer());
    expect(sha256(bytes).toString("hex")).toBe(row.sha256);
    expect(fetched.headers.get("content-disposition")).toContain("attachment");
    expect(response.headers.get("repr-digest")).toBe(`sha-256=:${sha256(bytes).toString("base64")}:`);
    // Someone else's job is still 404, presigned or not.
    expect((await downloadAs("manager2", row.id)).status).toBe(404);
    // HEAD checks, counts nothing and redirects nowhere.
    const checked = await headAs("manager", row.id);
    expect(checked.status).toBe(200);
    expect(checked.headers.get("repr-digest")).toBe(response.headers.get("repr-digest"));
    expect((await prisma().exportJob.findUniqueOrThrow({ where: { id: row.id } })).downloadCount).toBe(1);
  });

  it("with presigned downloads on, an object whose recorded SHA-256 is not the job's is refused (409)", async () => {
    const row = await completedCsvJob();
    await store.client.send(
      new PutObjectCommand({
        Bucket: server.bucket,
        Key: store.objectKey(row.storageKey!),
        Body: "forged,export\n",
        Metadata: { sha256: "0".repeat(64) },
      }),
    );
    process.env.OUTPORT_S3_PRESIGNED_DOWNLOADS = "true";
    const response = await downloadAs("manager", row.id);
    expect(response.status).toBe(409);
    expect((await prisma().exportJob.findUniqueOrThrow({ where: { id: row.id } })).downloadCount).toBe(0);
  });

  it("an object changed behind the app's back is refused (409) and audited, never streamed", async () => {
    const row = await completedCsvJob();
    await store.client.send(
      new PutObjectCommand({ Bucket: server.bucket, Key: store.objectKey(row.storageKey!), Body: "forged,export\n" }),
    );
    const response = await downloadAs("manager", row.id);
    expect(response.status).toBe(409);
    const audit = await prisma().auditEvent.findMany({ where: { action: "integrity_failure", targetId: row.id } });
    expect(audit[0]?.details).toMatchObject({ reason: "sha256_mismatch", expected: row.sha256 });
  });

  it("retention removes the object of an expired export", async () => {
    const row = await completedCsvJob();
    await prisma().exportJob.update({ where: { id: row.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await purgeExpiredExports();
    expect(await store.open(row.storageKey!)).toBeNull();
    expect((await prisma().exportJob.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("expired");
  });

  it("a 20 MB write streams up in bounded parts (never the whole file in memory)", async () => {
    const key = newStorageKey("csv");
    const upload = store.uploadFor(key, (await import("node:stream")).Readable.from([])) as unknown as {
      partSize: number;
      queueSize: number;
    };
    expect(upload.partSize).toBe(S3_PART_SIZE);
    expect(upload.queueSize).toBe(S3_QUEUE_SIZE);
    expect(S3_PART_SIZE * S3_QUEUE_SIZE).toBeLessThanOrEqual(16 * 1024 * 1024);

    const chunk = Buffer.alloc(1 << 20, 0x7a);
    async function* twentyMegabytes() {
      for (let i = 0; i < 20; i++) yield chunk;
    }
    const written = await store.write(key, twentyMegabytes());
    expect(written.size).toBe(20 << 20);
    const head = await store.client.send(new HeadObjectCommand({ Bucket: server.bucket, Key: store.objectKey(key) }));
    expect(head.ContentLength).toBe(20 << 20);
    expect(head.Metadata?.sha256).toBe(written.sha256);
    await store.remove(key);
  });
});
