// The store contract on S3, against an s3rver started for this file.
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3ExportStore } from "@/lib/files/s3-export-store";
import { newStorageKey } from "@/lib/files/storage-key";
import { startS3Server, type S3TestServer } from "../helpers/s3-server";
import { waitUntil } from "../helpers/wait";
import { exportStoreContract } from "./export-store.contract";

let server: S3TestServer;
let store: S3ExportStore;
/** The commands the store sent, in order (observed on the real client, nothing replaced). */
const sent: string[] = [];
beforeAll(async () => {
  server = await startS3Server();
  store = new S3ExportStore(server.settings("contract/"));
  store.client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? "");
      return next(args);
    },
    { step: "initialize" },
  );
});
afterAll(() => server.stop());

exportStoreContract("S3", () => ({
  store,
  // s3rver makes its continuation tokens with DES, which the OpenSSL of Node 20 refuses
  // (500 on any truncated listing), so paging cannot be exercised against it.
  paged: () => null,
  overwrite: async (key, bytes) => {
    await store.client.send(new PutObjectCommand({ Bucket: server.bucket, Key: store.objectKey(key), Body: bytes }));
  },
  // s3rver has neither ListMultipartUploads nor AbortMultipartUpload: what is checked is
  // that every multipart upload started was completed or an abort was asked for, and that
  // no object of any name appeared under the prefix.
  uploading: async () => {
    const before = sent.filter((command) => command === "UploadPartCommand").length;
    await waitUntil(
      async () => sent.filter((command) => command === "UploadPartCommand").length,
      (parts) => parts > before,
    );
  },
  leftovers: async () => {
    const count = (name: string) => sent.filter((command) => command === name).length;
    const started = count("CreateMultipartUploadCommand");
    const ended = count("CompleteMultipartUploadCommand") + count("AbortMultipartUploadCommand");
    if (started < 2) return [`${started} multipart upload(s) started: the test does not reach the parts`];
    if (ended !== started) return [`${started - ended} multipart upload(s) neither completed nor aborted`];
    const page = await store.client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: "contract/" }));
    const listed = new Set<string>();
    for await (const entry of store.list()) listed.add(store.objectKey(entry.key));
    return (page.Contents ?? []).map((item) => item.Key ?? "").filter((key) => !listed.has(key));
  },
}));

describe("S3 reads", () => {
  it("bytes changed between the SHA-256 check and the stream make the stream fail at its end", async () => {
    const key = newStorageKey("csv");
    const written = await store.write(key, Readable.from([Buffer.from("checked bytes\n")]));
    const file = await store.open(key);
    expect(await file!.sha256()).toBe(written.sha256);
    await store.client.send(
      new PutObjectCommand({ Bucket: server.bucket, Key: store.objectKey(key), Body: "swapped\n" }),
    );
    const reader = file!.stream().getReader();
    const read = async () => {
      for (;;) if ((await reader.read()).done) return;
    };
    await expect(read()).rejects.toThrow("changed while it was downloaded");
  });
});
