// The files `npm run bench:import` imports, made once and kept under var/bench/: a
// 1,000,000-row, 10-column CSV (~130 MB) and a 100,000-row XLSX of the same columns. The
// values are deterministic (a seeded sequence), with the text a real export has: Korean
// names, quotes, commas, line breaks inside quotes, negative amounts, empty cells.
import { once } from "node:events";
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import path from "node:path";
import ExcelJS from "exceljs";
import { varDir } from "../lib/config";

export const BENCH_HEADER = [
  "id",
  "name",
  "email",
  "amount",
  "quantity",
  "active",
  "signup_date",
  "last_seen",
  "category",
  "note",
] as const;

const FIRST = ["Kim", "Lee", "Park", "Choi", "Jung", "김민준", "이서연", "Müller", "García", "O'Brien"];
const CATEGORIES = ["retail", "wholesale", "online", "partner", "internal"];
const NOTES = ["", "ok", "called back, no answer", 'said "later"', "=HYPERLINK(x)", "line one\nline two", "-5 units"];

/** Row `i` of the benchmark data, as typed values (the XLSX writes these). */
export function benchRow(i: number): [number, string, string, number, number, boolean, Date, Date, string, string] {
  const day = (i * 7919) % 3650;
  const signup = new Date(Date.UTC(2015, 0, 1) + day * 86_400_000);
  const seen = new Date(Date.UTC(2024, 0, 1) + ((i * 104_729) % 31_536_000) * 1000);
  return [
    i + 1,
    `${FIRST[i % FIRST.length]} ${i % 997}`,
    `user${i}@example.com`,
    Math.round((((i * 37) % 200_000) - 20_000) * 1.01) / 100,
    (i * 13) % 500,
    i % 3 !== 0,
    signup,
    seen,
    CATEGORIES[i % CATEGORIES.length]!,
    NOTES[i % NOTES.length]!,
  ];
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function csvLine(i: number): string {
  const [id, name, email, amount, quantity, active, signup, seen, category, note] = benchRow(i);
  return `${id},${csvField(name)},${email},${amount.toFixed(2)},${quantity},${active},${signup.toISOString().slice(0, 10)},${seen.toISOString()},${category},${csvField(note)}\n`;
}

function benchDir(): string {
  const dir = path.join(varDir(), "bench");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The CSV of `rows` rows (made when missing): its path and size. */
export async function benchCsv(rows: number): Promise<{ path: string; bytes: number }> {
  const file = path.join(benchDir(), `import-${rows}.csv`);
  if (!existsSync(file)) {
    const temp = `${file}.part`;
    const out = createWriteStream(temp);
    out.write(`${BENCH_HEADER.join(",")}\n`);
    let chunk = "";
    for (let i = 0; i < rows; i++) {
      chunk += csvLine(i);
      if (chunk.length > 1 << 16) {
        if (!out.write(chunk)) await once(out, "drain");
        chunk = "";
      }
    }
    out.end(chunk);
    await once(out, "finish");
    renameSync(temp, file);
  }
  return { path: file, bytes: statSync(file).size };
}

/** The XLSX of `rows` rows (made when missing), with a bold header row as people make them. */
export async function benchXlsx(rows: number): Promise<{ path: string; bytes: number }> {
  const file = path.join(benchDir(), `import-${rows}.xlsx`);
  if (!existsSync(file)) {
    const temp = `${file}.part`;
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: temp, useSharedStrings: true });
    const sheet = workbook.addWorksheet("Data");
    sheet.addRow([...BENCH_HEADER]).commit();
    for (let i = 0; i < rows; i++) sheet.addRow(benchRow(i)).commit();
    sheet.commit();
    await workbook.commit();
    renameSync(temp, file);
  }
  return { path: file, bytes: statSync(file).size };
}
