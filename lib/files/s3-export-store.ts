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
import type { ExportStore, StoredEntry, StoredFile, WriteOptions } from "./export-store";
import type { WrittenFile } from "./hashed-file";
import { checkedKey, KEY_PATTERN } from "./storage-key";

export type S3StoreSettings = Extract<StorageConfig, { kind: "s3" }>;

/** Bytes per uploaded part, and parts in flight: what one write holds in memory at most. */
export const S3_PART_SIZE = 5 * 1024 * 1024;
export const S3_QUEUE_SIZE = 2;
/** How long a presigned download URL stays valid. */
export const PRESIGNED_SECONDS = 60;

export class S3ExportStore implements ExportStore {
  readonly client: S3Client;

  constructor(
    readonly settings: S3StoreSettings,
    /** Keys per ListObjectsV2 page (tests make it small to walk several pages). */
    readonly pageSize = 1000,
    clientConfig: S3ClientConfig = {},
  ) {
    this.client = new S3Client({
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
    await this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket }));
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
      leavePartsOnError: false,
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
    const done = upload.done();
    done.catch(() => {}); // awaited below; a failure while feeding must not go unhandled meanwhile
    // Failing the body (rather than Upload.abort(), which settles done() at once and aborts
    // the multipart upload only later) makes done() settle after AbortMultipartUpload.
    const abort = () => body.destroy(abortReason(options.signal));
    options.signal?.addEventListener("abort", abort, { once: true });
    try {
      try {
        for await (const chunk of chunks) {
          options.signal?.throwIfAborted();
          sha256.update(chunk);
          md5.update(chunk);
          size += chunk.byteLength;
          // Waiting for room, unless the upload failed meanwhile (then it reads no more).
          if (!body.write(chunk)) await Promise.race([drained(body), done]);
        }
        options.signal?.throwIfAborted();
        body.end();
      } catch (error) {
        body.destroy(error as Error);
        await done.catch(() => {});
        throw error;
      }
      await done;
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
