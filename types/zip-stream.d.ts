// zip-stream ships no type declarations; this is the part lib/export/formats/xlsx.ts uses.
declare module "zip-stream" {
  import type { Transform } from "node:stream";

  type ZipStreamOptions = {
    /** Options of each entry's zlib DeflateRaw stream. */
    zlib?: { level?: number; chunkSize?: number };
    forceZip64?: boolean;
    store?: boolean;
  };

  type EntryData = { name: string; date?: Date; store?: boolean };

  class ZipStream extends Transform {
    constructor(options?: ZipStreamOptions);
    /** Adds one entry; entries go one after the other, each after the previous one's callback. */
    entry(
      source: Buffer | string | NodeJS.ReadableStream,
      data: EntryData,
      callback: (error?: Error | null) => void,
    ): this;
    /** Writes the central directory and ends the stream. */
    finalize(): void;
  }

  export default ZipStream;
}
