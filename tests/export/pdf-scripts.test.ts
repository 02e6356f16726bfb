// The PDF's font stack covers the scripts of the names people have: Latin beyond
// Latin-1 (Turkish ı, Polish Ł), Greek, Cyrillic and Hangul are printed as text, not as
// empty boxes. Read back with poppler's pdftotext, as a reader's copy-and-paste would.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writePdf } from "@/lib/export/formats/pdf";
import type { ExportColumn } from "@/lib/export/types";
import { batchesOf, collect, context } from "./helpers";
import { options, summary } from "./pdf-fixtures";

const COLUMNS: ExportColumn[] = [
  { key: "id", header: "ID", type: "string" },
  { key: "name", header: "Name", type: "string" },
  { key: "paid", header: "Paid", type: "boolean" },
];
const NAMES = ["Ünal Gıda", "Łódź", "Ελληνικά", "Кириллица", "한국어"];

async function pdfWith(names: readonly string[]): Promise<string> {
  const rows = names.map((name, i) => [`R-${i + 1}`, name, i % 2 === 0]);
  const records = {
    ...summary(rows.length),
    columnCount: COLUMNS.length,
    numeric: [],
    byCategory: null,
    byMonth: null,
  };
  const bytes = await collect(
    writePdf(batchesOf(rows), { ...context(COLUMNS), ...options(rows.length, { summary: records, charts: false }) }),
  );
  const dir = mkdtempSync(join(tmpdir(), "outport-pdf-scripts-"));
  const file = join(dir, "scripts.pdf");
  writeFileSync(file, bytes);
  return file;
}

describe("PDF scripts", () => {
  it("prints Latin Extended, Greek, Cyrillic and Korean names as text", async () => {
    const file = await pdfWith(NAMES);
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    for (const name of NAMES) expect(text).toContain(name);
    expect(text).toMatch(/R-1\s+Ünal Gıda\s+Yes/);
  });

  it("embeds a subset of Noto Sans for the letters Helvetica lacks", async () => {
    const file = await pdfWith(NAMES);
    const fonts = execFileSync("pdffonts", [file], { encoding: "utf8" });
    // A subset's name carries a six-letter tag: ABCDEF+NotoSans-Regular.
    expect(fonts).toMatch(/[A-Z]{6}\+NotoSans-Regular/);
  });
});
