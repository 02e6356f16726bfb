// CSV (and TSV, and the `;` and `|` kinds): RFC 4180 quoting, CRLF, LF or CR line ends,
// through papaparse's parser fed one decoded chunk at a time. Each chunk is parsed up to
// its last complete record and the rest waits for the next chunk, the way papaparse's own
// streamer does it, but pulled by the consumer (back-pressure) and without a callback per
// row. Papaparse splits a chunk without quotes by plain string splitting, the fast path.
import Papa from "papaparse";
import { decodedText, type TextStreamOptions } from "./text-stream";
import {
  ImportFileError,
  type Delimiter,
  type ImportLimits,
  type SourceRow,
  type TextEncoding,
  DELIMITERS,
} from "./types";

type Newline = "\n" | "\r\n" | "\r";
type ParsedChunk = {
  data: string[][];
  errors: { code: string; row?: number }[];
  meta: { cursor: number };
};

/** The line end the text uses: the first one found. */
export function detectNewline(text: string): Newline {
  const lf = text.indexOf("\n");
  const cr = text.indexOf("\r");
  if (cr !== -1 && (lf === -1 || cr < lf)) return text[cr + 1] === "\n" ? "\r\n" : "\r";
  return "\n";
}

function fieldCounts(text: string, delimiter: Delimiter, newline: Newline): number[] {
  // Only whole lines: a cut last line would count wrong.
  const end = text.lastIndexOf(newline === "\r" ? "\r" : "\n");
  const sample = end > 0 ? text.slice(0, end) : text;
  const parser = new Papa.Parser({ delimiter, newline, preview: 50 });
  const parsed = parser.parse(sample, 0, false) as ParsedChunk;
  return parsed.data.filter((row) => !(row.length === 1 && row[0] === "")).map((row) => row.length);
}

/**
 * The delimiter whose rows have the most consistent field count (more than one field) over
 * the first lines; a tie goes to more fields, then to the order `,` `;` tab `|` (tab first
 * for a .tsv file). Comma when no delimiter splits the lines.
 */
export function sniffDelimiter(text: string, extension = ""): Delimiter {
  const newline = detectNewline(text);
  const candidates: Delimiter[] =
    extension === ".tsv" || extension === ".tab" ? ["\t", ...DELIMITERS.filter((d) => d !== "\t")] : [...DELIMITERS];
  let best: { delimiter: Delimiter; share: number; fields: number } = {
    delimiter: candidates[0] === "\t" ? "\t" : ",",
    share: 0,
    fields: 1,
  };
  for (const delimiter of candidates) {
    const counts = fieldCounts(text, delimiter, newline);
    if (counts.length === 0) continue;
    const frequency = new Map<number, number>();
    for (const count of counts) frequency.set(count, (frequency.get(count) ?? 0) + 1);
    const top = [...frequency].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0];
    if (!top || top[0] < 2) continue;
    const [fields, times] = top;
    const share = times / counts.length;
    if (share > best.share || (share === best.share && fields > best.fields)) best = { delimiter, share, fields };
  }
  return best.delimiter;
}

export type CsvOptions = TextStreamOptions & {
  encoding: TextEncoding;
  delimiter: Delimiter;
  limits: ImportLimits;
};

export function tooManyColumns(count: number, limits: ImportLimits): ImportFileError {
  return new ImportFileError(
    "import.error.tooManyColumns",
    { count, limit: limits.maxColumns },
    { status: 422, field: "file" },
  );
}

/**
 * Every record of the file, blank lines left out, in batches (one per chunk of the file).
 * Values are the fields as text, an empty field null. `line` is the physical line the
 * record starts on (a newline inside quotes counts). A field over the length limit, or a
 * quote never closed, makes the row a problem.
 */
export async function* csvRecords(path: string, options: CsvOptions): AsyncGenerator<SourceRow[]> {
  const { limits } = options;
  let newline: Newline | null = null;
  let parser: InstanceType<typeof Papa.Parser> | null = null;
  let pending = "";
  let line = 1;
  // A record that never ends (a quote left open) must not grow past what any valid record can be.
  const longestRecord = limits.maxColumns * (limits.maxCellChars + 3) + 2;

  const take = (text: string, last: boolean): SourceRow[] => {
    newline ??= detectNewline(text);
    parser ??= new Papa.Parser({ delimiter: options.delimiter, newline });
    const parsed = parser.parse(text, 0, !last) as ParsedChunk;
    pending = last ? "" : text.slice(parsed.meta.cursor);
    const lineChar = newline === "\r" ? "\r" : "\n";
    const quoted = text.includes('"');
    const unclosed = new Set(parsed.errors.filter((e) => e.code === "MissingQuotes").map((e) => e.row));
    const rows: SourceRow[] = [];
    const data = parsed.data;
    for (let r = 0; r < data.length; r++) {
      const fields = data[r] as string[];
      const start = line;
      line++;
      if (fields.length > limits.maxColumns) throw tooManyColumns(fields.length, limits);
      if (fields.length === 1 && fields[0] === "") continue;
      let problem: string | undefined;
      // The fields array becomes the values in place (an empty field null): no copy per row.
      const values = fields as (string | null)[];
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i] as string;
        if (field === "") values[i] = null;
        else {
          if (quoted && field.includes(lineChar)) line += field.split(lineChar).length - 1;
          if (field.length > limits.maxCellChars)
            problem = `field ${i + 1} has ${field.length} characters, more than the limit of ${limits.maxCellChars}`;
        }
      }
      if (unclosed.has(r)) problem = "a quoted field is not closed";
      rows.push(problem === undefined ? { line: start, values } : { line: start, values, problem });
    }
    if (pending.length > longestRecord)
      throw new ImportFileError(
        "import.error.recordTooLong",
        { line, limit: longestRecord },
        { status: 422, field: "file", line },
      );
    return rows;
  };

  // A record still open after a chunk (a long quoted field, a quote left open) is parsed
  // again from its start with the next text: once it is long, the text waits until it is
  // as long again, so that a record of n characters costs O(n) to parse instead of O(n²)
  // (a 40 MB quote left open took 10 s and 700 MB before).
  let waiting: string[] = [];
  let waitingLength = 0;
  for await (const chunk of decodedText(path, options.encoding, options)) {
    waiting.push(chunk);
    waitingLength += chunk.length;
    if (waitingLength < pending.length && pending.length + waitingLength <= longestRecord) continue;
    const rows = take(pending + waiting.join(""), false);
    waiting = [];
    waitingLength = 0;
    if (rows.length) yield rows;
  }
  if (waitingLength > 0) {
    const rows = take(pending + waiting.join(""), false);
    if (rows.length) yield rows;
  }
  // A partial file's last record may be cut: it is dropped.
  if (!options.partial && pending !== "") {
    const rows = take(pending, true);
    if (rows.length) yield rows;
  }
}
