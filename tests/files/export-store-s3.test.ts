// The store contract on S3, against an s3rver started for this file.
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll } from "vitest";
import { S3ExportStore } from "@/lib/files/s3-export-store";
import { startS3Server, type S3TestServer } from "../helpers/s3-server";
import { exportStoreContract } from "./export-store.contract";

let server: S3TestServer;
let store: S3ExportStore;
beforeAll(async () => {
  server = await startS3Server();
  store = new S3ExportStore(server.settings("contract/"));
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
  // s3rver has no ListMultipartUploads: what is checked is that no object of any name,
  // finished or not, appeared under the prefix.
  leftovers: async () => {
    const page = await store.client.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: "contract/" }));
    const listed = new Set<string>();
    for await (const entry of store.list()) listed.add(store.objectKey(entry.key));
    return (page.Contents ?? []).map((item) => item.Key ?? "").filter((key) => !listed.has(key));
  },
}));
