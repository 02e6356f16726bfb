// JSON arrays and NDJSON. A JSON array is parsed as a stream (each element handed over as
// soon as it is complete, and not kept by the parser), so its size does not matter; its
// records are numbered by element (1-based). NDJSON is one JSON value per line, numbered by
// physical line; blank lines are skipped and a line that is not JSON is a row with a
// problem, not the end of the import.
import JSONParser from "@streamparser/json/jsonparser.js";
import { ImportFileError, type ImportLimits, type TextEncoding } from "./types";
import type { ObjectRecord } from "./rows";
import { decodedText, type TextStreamOptions } from "./text-stream";

type Options = TextStreamOptions & { limits: ImportLimits };

function invalidJson(position: number, reason: string): ImportFileError {
  return new ImportFileError("import.error.invalidJson", { position, reason }, { status: 422, field: "file" });
}

function longestString(value: unknown, limit: number): number {
  if (typeof value === "string") return value.length > limit ? value.length : 0;
  if (typeof value !== "object" || value === null) return 0;
  for (const inner of Object.values(value)) {
    if (typeof inner === "string" && inner.length > limit) return inner.length;
  }
  return 0;
}

function checked(record: ObjectRecord, limits: ImportLimits): ObjectRecord {
  const length = longestString(record.value, limits.maxCellChars);
  if (length > 0) record.problem = `a value has ${length} characters, more than the limit of ${limits.maxCellChars}`;
  return record;
}

export async function* jsonArrayRecords(
  path: string,
  encoding: TextEncoding,
  options: Options,
): AsyncGenerator<ObjectRecord[]> {
  const parser = new JSONParser({ paths: ["$.*"], keepStack: false });
  let index = 0;
  let read = 0;
  let records: ObjectRecord[] = [];
  parser.onValue = ({ value }) => {
    records.push(checked({ line: ++index, value }, options.limits));
  };
  let failure: Error | null = null;
  parser.onError = (error) => {
    failure = error;
  };
  // The parser holds an element until it is complete: one that never ends (or a single
  // value of hundreds of MB) must not grow past what any valid record can be.
  const longest = options.limits.maxColumns * (options.limits.maxCellChars + 8);
  let sinceRecord = 0;
  for await (const chunk of decodedText(path, encoding, options)) {
    parser.write(chunk);
    if (failure) throw invalidJson(read, (failure as Error).message);
    read += chunk.length;
    sinceRecord = records.length ? 0 : sinceRecord + chunk.length;
    if (sinceRecord > longest) {
      throw new ImportFileError(
        "import.error.recordTooLong",
        { line: index + 1, limit: longest },
        { status: 422, field: "file" },
      );
    }
    if (records.length) {
      yield records;
      records = [];
    }
  }
  if (!options.partial) {
    if (!parser.isEnded) parser.end();
    if (failure) throw invalidJson(read, (failure as Error).message);
  }
  if (records.length) yield records;
}

function parseLine(text: string, line: number, limits: ImportLimits): ObjectRecord {
  try {
    return checked({ line, value: JSON.parse(text) as unknown }, limits);
  } catch (error) {
    return { line, value: null, problem: `not JSON: ${(error as Error).message}` };
  }
}

export async function* ndjsonRecords(
  path: string,
  encoding: TextEncoding,
  options: Options,
): AsyncGenerator<ObjectRecord[]> {
  let pending = "";
  let line = 0;
  const longest = options.limits.maxColumns * (options.limits.maxCellChars + 8);
  const lines = (text: string): ObjectRecord[] => {
    const records: ObjectRecord[] = [];
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      line++;
      const body = text.slice(start, end).trim();
      if (body !== "") records.push(parseLine(body, line, options.limits));
      start = end + 1;
    }
    pending = text.slice(start);
    if (pending.length > longest)
      throw new ImportFileError(
        "import.error.recordTooLong",
        { line: line + 1, limit: longest },
        { status: 422, field: "file" },
      );
    return records;
  };
  // A chunk without a line end only adds to the line still open: it waits (its length
  // checked) instead of the open line being copied and searched again with every chunk,
  // which made a long line cost O(n²).
  let waiting: string[] = [];
  let waitingLength = 0;
  for await (const chunk of decodedText(path, encoding, options)) {
    waiting.push(chunk);
    waitingLength += chunk.length;
    if (!chunk.includes("\n") && pending.length + waitingLength <= longest) continue;
    const text = pending + (waiting.length === 1 ? chunk : waiting.join(""));
    waiting = [];
    waitingLength = 0;
    const records = lines(text);
    if (records.length) yield records;
  }
  if (waiting.length) pending += waiting.join("");
  // A partial file's last line may be cut: it is dropped.
  if (!options.partial && pending.trim() !== "") yield [parseLine(pending.trim(), line + 1, options.limits)];
}
