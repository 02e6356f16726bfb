// An S3-protocol server for tests: s3rver, in this process, on a free port, keeping its
// objects in a temporary folder, with one bucket made. Nothing to install or start by hand.
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import type { S3StoreSettings } from "@/lib/files/s3-export-store";

// s3rver ships no types: the little of it used here.
type S3rverServer = { run(): Promise<AddressInfo>; close(): Promise<void> };
type S3rverClass = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string; configs: string[] }[];
}) => S3rverServer;
const S3rver = createRequire(import.meta.url)("s3rver") as S3rverClass;

export type S3TestServer = {
  endpoint: string;
  bucket: string;
  directory: string;
  /**
   * Store settings pointing at this server. S3's own SHA-256 checksums stay on, as in
   * production: s3rver accepts the requests (it does not verify those checksums itself).
   */
  settings(prefix?: string): S3StoreSettings;
  /** The environment that makes the app's configured store this server. */
  env(prefix?: string): Record<string, string>;
  stop(): Promise<void>;
};

export async function startS3Server(bucket = "outport-test"): Promise<S3TestServer> {
  const directory = mkdtempSync(path.join(os.tmpdir(), "outport-s3rver-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  process.env.AWS_ACCESS_KEY_ID = "S3RVER";
  process.env.AWS_SECRET_ACCESS_KEY = "S3RVER";
  return {
    endpoint,
    bucket,
    directory,
    settings: (prefix = "exports/") => ({
      kind: "s3",
      bucket,
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      prefix,
      checksum: true,
      presignedDownloads: false,
    }),
    env: (prefix = "exports/") => ({
      OUTPORT_STORAGE: "s3",
      OUTPORT_S3_BUCKET: bucket,
      OUTPORT_S3_ENDPOINT: endpoint,
      OUTPORT_S3_FORCE_PATH_STYLE: "true",
      OUTPORT_S3_PREFIX: prefix,
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
    }),
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
