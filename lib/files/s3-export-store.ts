// Export files in an S3 bucket, under the configured key prefix. Writing streams straight
// into a multipart upload (bounded parts, bounded queue: never the whole file in memory, no
// local copy), hashing the bytes as they pass; the object exists only once the upload is
// completed, and a failed or aborted write aborts the multipart upload so nothing
// half-written stays. The SHA-256 is then recorded on the object as `x-amz-meta-sha256` by a
// server-side copy onto itself (metadata must be sent before the first byte, the hash is
// only known after the last).
//
// Reading keeps the contract of the local store, "bytes that do not match their SHA-256
// are never delivered as good", by reading twice: sha256() hashes a first GET of the whole
// object, and stream() makes a second GET, conditional on the same ETag, hashing again as it
// streams and erroring at the end when those bytes differ from what sha256() saw (the HTTP
// response is then aborted, so the client sees a failed download). The price is the
// object read twice per download; presigned downloads skip it.
import { createHash } from "node:crypto";
import { PassThrough, type Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { StorageConfig } from "../config";
import { log } from "../log";
import type { ExportStore, StoredEntry, StoredFile, WriteOptions } from "./export-store";
import type { WrittenFile } from "./hashed-file";
import { checkedKey, KEY_PATTERN } from "./storage-key";

export type S3StoreSettings = Extract<StorageConfig, { kind: "s3" }>;

/** Bytes per uploaded part, and parts in flight: what one write holds in memory at most. */
export const S3_PART_SIZE = 5 * 1024 * 1024;
export const S3_QUEUE_SIZE = 2;
/** How long a presigned download URL stays valid. */
export const PRESIGNED_SECONDS = 60;

/**
 * How long the store waits on the storage: for a connection, on a connection gone silent
 * mid-request (a stalled storage would otherwise hold a job forever; S3 keeps long copies
 * and completions alive with whitespace, so silence this long is a fault), and for the
 * health check's answer (a load balancer asks often and must not wait behind retries).
 */
export type S3Timeouts = { connectMs: number; idleMs: number; probeMs: number };
export const S3_TIMEOUTS: S3Timeouts = { connectMs: 10_000, idleMs: 120_000, probeMs: 5_000 };

export class S3ExportStore implements ExportStore {
  readonly client: S3Client;

  constructor(
    readonly settings: S3StoreSettings,
    /** Keys per ListObjectsV2 page (tests make it small to walk several pages). */
    readonly pageSize = 1000,
    clientConfig: S3ClientConfig = {},
    readonly timeouts: S3Timeouts = S3_TIMEOUTS,
  ) {
    this.client = new S3Client({
      requestHandler: { connectionTimeout: timeouts.connectMs, socketTimeout: timeouts.idleMs },
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      // Without S3's own checksums (OUTPORT_S3_CHECKSUM=false, for S3-compatible servers that
      // refuse them), the SDK adds none of its own either.
      ...(settings.checksum
        ? {}
        : { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" }),
      ...clientConfig,
    });
  }

  readonly kind = "s3" as const;

  /** Health: the bucket answers with these credentials (HeadBucket); throws when it does not. */
  async probe(): Promise<void> {
    await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }), {
      abortSignal: AbortSignal.timeout(this.timeouts.probeMs),
    });
  }

  /** The object key of a storage key. */
  objectKey(key: string): string {
    return `${this.settings.prefix}${checkedKey(key)}`;
  }

  /** How an upload is made; exposed so a test can check memory stays bounded. */
  uploadFor(key: string, body: Readable): Upload {
    return new Upload({
      client: this.client,
      partSize: S3_PART_SIZE,
      queueSize: S3_QUEUE_SIZE,
      // Aborted by write() itself (abortUpload): the SDK's own abort would replace the
      // upload's error with the abort's when the abort fails too.
      leavePartsOnError: true,
      params: {
        Bucket: this.settings.bucket,
        Key: this.objectKey(key),
        Body: body,
        ...(this.settings.checksum ? { ChecksumAlgorithm: "SHA256" as const } : {}),
      },
    });
  }

  async write(key: string, chunks: AsyncIterable<Uint8Array>, options: WriteOptions = {}): Promise<WrittenFile> {
    const sha256 = createHash("sha256");
    const md5 = createHash("md5");
    let size = 0;
    const body = new PassThrough({ highWaterMark: 1 << 20 });
    const upload = this.uploadFor(key, body);
    // Settles once the upload is over: null when it completed, else its own error (a full
    // bucket, a refusal, the connection lost …), after the multipart upload was aborted.
    const outcome: Promise<unknown> = upload.done().then(
      () => null,
      async (error: unknown) => {
        await this.abortUpload(key, upload);
        return error;
      },
    );
    // Failing the body (rather than Upload.abort(), which settles done() at once, before
    // its parts are settled) makes the upload end, and be aborted, before write() returns.
    const abort = () => body.destroy(abortReason(options.signal));
    options.signal?.addEventListener("abort", abort, { once: true });
    try {
      try {
        for await (const chunk of chunks) {
          options.signal?.throwIfAborted();
          sha256.update(chunk);
          md5.update(chunk);
          size += chunk.byteLength;
          if (!body.write(chunk)) {
            // Room again, or the upload failed meanwhile: then it reads no more, and destroys
            // the body with an AbortError that is not what went wrong; its own error is.
            const failed = await Promise.race([
              drained(body).then(
                () => null,
                () => outcome,
              ),
              outcome,
            ]);
            if (failed) throw new UploadFailed(failed);
          }
        }
        options.signal?.throwIfAborted();
        body.end();
      } catch (error) {
        if (error instanceof UploadFailed) throw error.reason;
        // The export or the signal stopped the write: the upload is failed with it.
        body.destroy(error as Error);
        await outcome;
        throw error;
      }
      const failed = await outcome;
      if (failed) throw failed;
    } finally {
      options.signal?.removeEventListener("abort", abort);
    }
    const written = { size, sha256: sha256.digest("hex"), md5: md5.digest("hex") };
    try {
      options.signal?.throwIfAborted();
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.settings.bucket,
          Key: this.objectKey(key),
          CopySource: `${this.settings.bucket}/${this.objectKey(key)}`,
          MetadataDirective: "REPLACE",
          Metadata: { sha256: written.sha256 },
          ...(this.settings.checksum ? { ChecksumAlgorithm: "SHA256" as const } : {}),
        }),
      );
    } catch (error) {
      await this.remove(key).catch(() => {});
      throw error;
    }
    return written;
  }

  async open(key: string): Promise<StoredFile | null> {
    const head = await this.head(key);
    if (!head) return null;
    const { bucket } = this.settings;
    const objectKey = this.objectKey(key);
    let seen: string | null = null;
    const etag = head.ETag;
    const get = async (signal?: AbortSignal) => {
      const got = await this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: objectKey, ...(etag ? { IfMatch: etag } : {}) }),
        { abortSignal: signal },
      );
      if (!got.Body) throw new Error(`S3 object ${objectKey} has no body`);
      return got.Body as Readable;
    };
    return {
      size: head.ContentLength ?? 0,
      modifiedAt: head.LastModified ?? new Date(0),
      recordedSha256: head.Metadata?.sha256,
      sha256: async () => {
        const hash = createHash("sha256");
        for await (const chunk of await get()) hash.update(chunk as Buffer);
        seen = hash.digest("hex");
        return seen;
      },
      stream: () => {
        const controller = new AbortController();
        const hash = createHash("sha256");
        let body: Readable | null = null;
        let reader: AsyncIterator<Buffer> | null = null;
        return new ReadableStream<Uint8Array>({
          async pull(out) {
            if (!reader) {
              body = await get(controller.signal);
              reader = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
            }
            for (;;) {
              const next = await reader.next();
              if (next.done) break;
              hash.update(next.value);
              out.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
              if ((out.desiredSize ?? 1) <= 0) return;
            }
            const actual = hash.digest("hex");
            const expected = seen ?? head.Metadata?.sha256;
            if (expected !== undefined && actual !== expected) {
              out.error(new Error(`S3 object ${objectKey} changed while it was downloaded`));
              return;
            }
            out.close();
          },
          cancel() {
            controller.abort();
            body?.destroy();
          },
        });
      },
      // Nothing stays open between reads: each is its own GET.
      close: async () => {},
    };
  }

  async remove(key: string): Promise<number | null> {
    const head = await this.head(key);
    if (!head) return null;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
    return head.ContentLength ?? 0;
  }

  async *list(): AsyncIterable<StoredEntry> {
    const { bucket, prefix } = this.settings;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: this.pageSize, ContinuationToken: token }),
      );
      for (const item of page.Contents ?? []) {
        const key = item.Key?.slice(prefix.length) ?? "";
        if (!KEY_PATTERN.test(key)) continue;
        yield { key, size: item.Size ?? 0, modifiedAt: item.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  presignedUrl(key: string, attachmentName: string): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.settings.bucket,
      Key: this.objectKey(key),
      ResponseContentDisposition: attachmentName,
    });
    return getSignedUrl(this.client, command, { expiresIn: PRESIGNED_SECONDS });
  }

  /** Aborts a failed multipart upload, so no parts stay behind (when the bucket can be reached). */
  private async abortUpload(key: string, upload: Upload): Promise<void> {
    if (!upload.uploadId) return; // a single PUT, or the multipart upload was never created
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({
          Bucket: this.settings.bucket,
          Key: this.objectKey(key),
          UploadId: upload.uploadId,
        }),
      );
    } catch (error) {
      log.warn("an S3 multipart upload was not aborted; the bucket's lifecycle rule removes its parts", {
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** The object's head, or null when there is none. */
  private async head(key: string) {
    try {
      return await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404 || (error as Error).name === "NotFound") return null;
      throw error;
    }
  }
}

/** The upload's own failure, carried out of the loop that feeds it. */
class UploadFailed extends Error {
  constructor(readonly reason: unknown) {
    super("the upload failed");
  }
}

function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error("The write was aborted");
}

function drained(stream: PassThrough): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off("drain", onDrain);
      stream.off("error", onError);
      stream.off("close", onDrain);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    stream.on("drain", onDrain);
    stream.on("error", onError);
    stream.on("close", onDrain);
  });
}
