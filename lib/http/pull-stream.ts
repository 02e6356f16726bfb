// An async iterable of byte chunks as a pull-based ReadableStream: one chunk is produced
// each time the client is ready for one, so a slow client slows the source down, and a
// client that goes away ends the iterable (its finally blocks run, its reads stop).
// `onCancel` runs first, so work in flight (a database read) can be abandoned at once
// rather than finished for nobody. Nothing is read ahead (a high-water mark of 0): the
// iterable is asked for a chunk only when a reader waits for one, so it reaches its end
// only once the reader has taken every chunk and asked for more — a reader that leaves
// with the last chunk still unread cancels the iterable instead of completing it.
export function pullStream(
  chunks: AsyncIterable<Uint8Array>,
  onCancel?: (reason: unknown) => void,
): ReadableStream<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel(reason) {
        onCancel?.(reason);
        await iterator.return?.(undefined).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}
