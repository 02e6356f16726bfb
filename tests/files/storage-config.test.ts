// OUTPORT_STORAGE and the S3 settings: defaults, and a bad value named at first use.
import { afterEach, describe, expect, it } from "vitest";
import { storageConfig } from "@/lib/config";
import { exportStore, LocalExportStore } from "@/lib/files/export-store";
import { S3ExportStore } from "@/lib/files/s3-export-store";

const NAMES = [
  "OUTPORT_STORAGE",
  "OUTPORT_S3_BUCKET",
  "OUTPORT_S3_ENDPOINT",
  "OUTPORT_S3_REGION",
  "OUTPORT_S3_FORCE_PATH_STYLE",
  "OUTPORT_S3_PREFIX",
  "OUTPORT_S3_CHECKSUM",
  "OUTPORT_S3_PRESIGNED_DOWNLOADS",
] as const;
const saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));
afterEach(() => {
  for (const name of NAMES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});
const set = (values: Partial<Record<(typeof NAMES)[number], string>>) => {
  for (const name of NAMES) delete process.env[name];
  Object.assign(process.env, values);
};

describe("storage settings", () => {
  it("default to the local folder", () => {
    set({});
    expect(storageConfig()).toEqual({ kind: "local" });
    expect(exportStore()).toBeInstanceOf(LocalExportStore);
  });

  it("read the S3 settings, with their defaults", () => {
    set({ OUTPORT_STORAGE: "s3", OUTPORT_S3_BUCKET: "outport-exports" });
    expect(storageConfig()).toEqual({
      kind: "s3",
      bucket: "outport-exports",
      endpoint: undefined,
      region: "us-east-1",
      forcePathStyle: false,
      prefix: "exports/",
      checksum: true,
      presignedDownloads: false,
    });
    expect(exportStore()).toBeInstanceOf(S3ExportStore);
    // A folder asked for by name is the local store, whatever the setting.
    expect(exportStore("/tmp/somewhere")).toBeInstanceOf(LocalExportStore);
  });

  it.each([
    [{ OUTPORT_STORAGE: "gcs" }, "OUTPORT_STORAGE"],
    [{ OUTPORT_STORAGE: "s3" }, "OUTPORT_S3_BUCKET"],
    [{ OUTPORT_STORAGE: "s3", OUTPORT_S3_BUCKET: "Bad_Bucket" }, "OUTPORT_S3_BUCKET"],
    [
      { OUTPORT_STORAGE: "s3", OUTPORT_S3_BUCKET: "ok-bucket", OUTPORT_S3_ENDPOINT: "not a url" },
      "OUTPORT_S3_ENDPOINT",
    ],
    [{ OUTPORT_STORAGE: "s3", OUTPORT_S3_BUCKET: "ok-bucket", OUTPORT_S3_PREFIX: "no-slash" }, "OUTPORT_S3_PREFIX"],
    [
      { OUTPORT_STORAGE: "s3", OUTPORT_S3_BUCKET: "ok-bucket", OUTPORT_S3_FORCE_PATH_STYLE: "yes" },
      "OUTPORT_S3_FORCE_PATH_STYLE",
    ],
    [{ OUTPORT_STORAGE: "s3", OUTPORT_S3_BUCKET: "ok-bucket", OUTPORT_S3_CHECKSUM: "maybe" }, "OUTPORT_S3_CHECKSUM"],
    [
      { OUTPORT_STORAGE: "s3", OUTPORT_S3_BUCKET: "ok-bucket", OUTPORT_S3_PRESIGNED_DOWNLOADS: "on" },
      "OUTPORT_S3_PRESIGNED_DOWNLOADS",
    ],
  ])("a bad setting is refused at first use, naming the variable: %o", (values, name) => {
    set(values);
    expect(() => exportStore()).toThrow(name);
  });
});
