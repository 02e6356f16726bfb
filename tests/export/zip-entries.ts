// A zip in memory, entry by entry, through yauzl (which reads the central directory, as
// Excel does, and does not check CRC-32s itself: the tests do).
import type { Readable } from "node:stream";
import yauzl, { type Entry, type ZipFile } from "yauzl";

export type ZipEntry = {
  name: string;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** The entry's decompressed bytes, as a stream. */
  open: () => Promise<Readable>;
};

export async function zipEntries(buffer: Buffer): Promise<{ entries: ZipEntry[]; close: () => void }> {
  const zip = await new Promise<ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buffer, { lazyEntries: true, autoClose: false }, (error, opened) =>
      error ? reject(error) : resolve(opened),
    ),
  );
  const entries = await new Promise<ZipEntry[]>((resolve, reject) => {
    const found: ZipEntry[] = [];
    zip.on("error", reject);
    zip.on("end", () => resolve(found));
    zip.on("entry", (entry: Entry) => {
      found.push({
        name: entry.fileName,
        crc32: entry.crc32,
        compressedSize: entry.compressedSize,
        uncompressedSize: entry.uncompressedSize,
        open: () =>
          new Promise<Readable>((ok, fail) =>
            zip.openReadStream(entry, (error, stream) => (error ? fail(error) : ok(stream))),
          ),
      });
      zip.readEntry();
    });
    zip.readEntry();
  });
  return { entries, close: () => zip.close() };
}

export async function entryBytes(entry: ZipEntry): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of await entry.open()) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}
