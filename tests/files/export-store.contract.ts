// What every ExportStore must do, run against each store by its own test file.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ExportStore } from "@/lib/files/export-store";
import { newStorageKey } from "@/lib/files/storage-key";

export type StoreUnderTest = {
  store: ExportStore;
  /** A store on the same place whose list() reads pages of `size` keys; null where it cannot be tested. */
  paged(size: number): ExportStore | null;
  /** Replaces a stored file's bytes behind the store's back. */
  overwrite(key: string, bytes: Buffer): Promise<void>;
  /** Anything unfinished a write left behind (temporary files, multipart uploads). */
  leftovers(): Promise<string[]>;
  /** Resolves once a write in progress has sent bytes on (where the store can tell). */
  uploading?: () => Promise<void>;
};

async function* chunksOf(...parts: (string | Buffer)[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield typeof part === "string" ? Buffer.from(part) : part;
}

/** 12 MB (more than two 5 MB parts), then a failure once the store is uploading. */
async function* failingMidway(uploading?: () => Promise<void>): AsyncIterable<Uint8Array> {
  yield Buffer.alloc(6 * 1024 * 1024, 0x61);
  yield Buffer.alloc(6 * 1024 * 1024, 0x61);
  await uploading?.();
  throw new Error("the export broke");
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(parts);
    parts.push(Buffer.from(value));
  }
}

async function keys(store: ExportStore): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of store.list()) found.push(entry.key);
  return found.sort();
}

const sha = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

export function exportStoreContract(name: string, setUp: () => StoreUnderTest) {
  describe(`${name} export store`, () => {
    it("writes, then opens the same bytes with the same SHA-256", async () => {
      const { store } = setUp();
      const key = newStorageKey("csv");
      const written = await store.write(key, chunksOf("id,name\n", "1,Ann\n", "2,Bo\n"));
      const content = "id,name\n1,Ann\n2,Bo\n";
      expect(written).toEqual({
        size: content.length,
        sha256: sha(content),
        md5: createHash("md5").update(content).digest("hex"),
      });
      const file = await store.open(key);
      expect(file).not.toBeNull();
      expect(file!.size).toBe(content.length);
      expect(await file!.sha256()).toBe(sha(content));
      expect((await readAll(file!.stream())).toString()).toBe(content);
      expect(await keys(store)).toContain(key);
    });

    it("a write that fails or is aborted leaves nothing behind", async () => {
      const { store, leftovers, uploading } = setUp();
      const before = await keys(store);
      const failed = newStorageKey("csv");
      await expect(store.write(failed, failingMidway(uploading))).rejects.toThrow("the export broke");
      const controller = new AbortController();
      const aborted = newStorageKey("csv");
      async function* abortMidway() {
        yield Buffer.alloc(6 * 1024 * 1024, 0x62);
        yield Buffer.alloc(6 * 1024 * 1024, 0x62);
        await uploading?.();
        controller.abort();
        yield Buffer.from("more");
      }
      await expect(store.write(aborted, abortMidway(), { signal: controller.signal })).rejects.toThrow();
      expect(await keys(store)).toEqual(before);
      expect(await store.open(failed)).toBeNull();
      expect(await store.open(aborted)).toBeNull();
      expect(await leftovers()).toEqual([]);
    });

    it("bytes changed behind the store's back are never delivered as good", async () => {
      const { store, overwrite } = setUp();
      const key = newStorageKey("csv");
      const written = await store.write(key, chunksOf("the real export\n"));
      await overwrite(key, Buffer.from("a forged export\n"));
      const file = await store.open(key);
      // Either the SHA-256 read before the first byte differs, or the stream fails.
      const actual = await file!.sha256();
      if (actual === written.sha256) await expect(readAll(file!.stream())).rejects.toThrow();
      else {
        expect(actual).toBe(sha("a forged export\n"));
        await file!.close();
      }
    });

    it("remove gives the bytes freed, then null", async () => {
      const { store } = setUp();
      const key = newStorageKey("json");
      await store.write(key, chunksOf("[1,2,3]"));
      expect(await store.remove(key)).toBe(7);
      expect(await store.remove(key)).toBeNull();
      expect(await store.open(key)).toBeNull();
    });

    it("lists every file, across pages", async () => {
      const { paged, store: plain } = setUp();
      const store = paged(2) ?? plain;
      const made = [newStorageKey("csv"), newStorageKey("csv"), newStorageKey("pdf")];
      for (const key of made) await store.write(key, chunksOf(key));
      const listed = await keys(store);
      for (const key of made) expect(listed).toContain(key);
      const entries: { key: string; size: number }[] = [];
      for await (const entry of store.list()) entries.push(entry);
      expect(entries.find((entry) => entry.key === made[2])?.size).toBe(made[2]!.length);
    });
  });
}
