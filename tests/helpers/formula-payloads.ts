// The formula payload corpus (tests/fixtures/formula-payloads.txt): one payload per line,
// `#` comments, `\n \r \t \\ \uXXXX` escapes, and `safe:` before payloads a writer must
// leave exactly as they are.
import { readFileSync } from "node:fs";
import path from "node:path";

export type Payload = { text: string; safe: boolean; line: number };

function unescape(line: string): string {
  return line.replace(/\\(u[0-9A-Fa-f]{4}|n|r|t|\\)/g, (_, code: string) => {
    if (code === "n") return "\n";
    if (code === "r") return "\r";
    if (code === "t") return "\t";
    if (code === "\\") return "\\";
    return String.fromCharCode(parseInt(code.slice(1), 16));
  });
}

export const FORMULA_PAYLOADS: Payload[] = readFileSync(
  path.join(__dirname, "../fixtures/formula-payloads.txt"),
  "utf8",
)
  .split("\n")
  .flatMap((line, index) => {
    if (line === "" || line.startsWith("#")) return [];
    const safe = line.startsWith("safe:");
    return [{ text: unescape(safe ? line.slice(5) : line), safe, line: index + 1 }];
  });
