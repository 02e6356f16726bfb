// What a file is, told from its first bytes: the magic numbers of zip (XLSX) and Parquet,
// a byte-order mark, or for text the encoding and the first character (`[` a JSON array,
// `{` NDJSON, anything else CSV). The name's extension is only a hint, for the cases the
// bytes leave open.
import { open } from "node:fs/promises";
import { extname } from "node:path";
import { firstInvalidUtf8, guessLegacyEncoding } from "./text-stream";
import { ImportFileError, type FileFormat, type TextEncoding } from "./types";
import iconv from "iconv-lite";

/** Bytes looked at to tell the format and the encoding. */
const SNIFF_BYTES = 64 * 1024;

export type Sniffed = {
  format: FileFormat;
  encoding: TextEncoding | null;
  /** Decoded start of a text file (without its byte-order mark), for the delimiter and header guesses. */
  text: string | null;
  /** Whether the bytes look like text at all (a binary file named .csv does not). */
  binary: boolean;
  extension: string;
};

export async function headBytes(path: string, length = SNIFF_BYTES): Promise<Buffer> {
  const file = await open(path, "r");
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await file.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

function bomEncoding(bytes: Uint8Array): TextEncoding | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return "utf-8";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return null;
}

/** NUL bytes, or many control bytes that no text file has: not text. */
function looksBinary(bytes: Uint8Array): boolean {
  let control = 0;
  for (const b of bytes) {
    if (b === 0) return true;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
  }
  return control > Math.max(8, bytes.length / 100);
}

export function detectEncoding(bytes: Uint8Array): TextEncoding {
  const bom = bomEncoding(bytes);
  if (bom) return bom;
  return firstInvalidUtf8(bytes) === -1 ? "utf-8" : guessLegacyEncoding(bytes);
}

/** Decoded text of the sample, leaving out a character cut at its end and a byte-order mark. */
export function decodeSample(bytes: Buffer, encoding: TextEncoding): string {
  if (encoding === "utf-8") {
    const cut = firstInvalidUtf8(bytes);
    return new TextDecoder("utf-8").decode(cut === -1 ? bytes : bytes.subarray(0, cut), { stream: true });
  }
  const decoder = iconv.getDecoder(encoding);
  return decoder.write(bytes);
}

export async function sniffFile(path: string, fileName: string): Promise<Sniffed> {
  const bytes = await headBytes(path);
  const extension = extname(fileName).toLowerCase();
  if (bytes.length === 0) throw new ImportFileError("import.error.empty", {}, { status: 422, field: "file" });
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04)
    return { format: "xlsx", encoding: null, text: null, binary: true, extension };
  if (bytes.subarray(0, 4).toString("latin1") === "PAR1")
    return { format: "parquet", encoding: null, text: null, binary: true, extension };
  const bom = bomEncoding(bytes);
  // UTF-16 text is full of NULs, so only without such a mark do NULs say "binary".
  const binary = bom === null && looksBinary(bytes);
  const encoding = detectEncoding(bytes);
  const text = binary ? null : decodeSample(bytes, encoding);
  let format: FileFormat = "csv";
  const first = text?.trimStart()[0];
  if (first === "[") format = "json";
  else if (first === "{") format = "ndjson";
  else if (!text && (extension === ".json" || extension === ".ndjson" || extension === ".jsonl"))
    format = extension === ".json" ? "json" : "ndjson";
  return { format, encoding: binary ? null : encoding, text, binary, extension };
}

export function notText(): ImportFileError {
  return new ImportFileError("import.error.notText", {}, { status: 422, field: "file" });
}
