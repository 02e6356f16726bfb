// gzip as a streaming stage: bytes in, compressed bytes out, with back-pressure.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";

export async function* gzip(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const input = Readable.from(source, { objectMode: false });
  const zipper = createGzip({ level: 6 });
  const done = pipeline(input, zipper);
  done.catch(() => {}); // surfaced below through the iteration of `zipper`
  try {
    for await (const chunk of zipper) yield chunk as Uint8Array;
    await done;
  } finally {
    input.destroy();
    zipper.destroy();
  }
}
