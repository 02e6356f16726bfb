// The COPY paths write exactly the files the value writers write. Every format that takes
// PostgreSQL's COPY output as bytes (CSV from its CSV; JSON, NDJSON and Parquet from its text
// format: lib/export/formats/csv-copy.ts, json-copy.ts) is compared byte for byte with the
// value writers (formats/csv.ts, json.ts) over the same rows — Excel (formats/xlsx-copy.ts)
// entry by entry, its parts uncompressed — for the whole formula payload
// corpus and for text built to hit every escape: quotes, every separator, CR/LF, tabs,
// backslashes, control characters, invisible and full-width characters, 한글 and emoji.
// The value writers are the ones the engine tests read back and the OWASP tests check, so
// equal bytes carry those proofs over to the COPY paths.
import { beforeAll, describe, expect, inject, it } from "vitest";
import yauzl from "yauzl";
import { prisma } from "@/lib/data/prisma";
import { loadDatasetRows } from "@/lib/datasets/dataset-rows";
import { findDataset, type DatasetInfo } from "@/lib/datasets/dataset-store";
import { ZExportOptionsSchema } from "@/lib/export/options";
import { planExport } from "@/lib/export/plan";
import { runExport } from "@/lib/export/run-export";
import { datasetSource } from "@/lib/sources";
import { parseCsv } from "../helpers/csv-parse";
import { FORMULA_PAYLOADS } from "../helpers/formula-payloads";

// A database of its own: the dataset it adds must not show in other files' lists.
process.env.DATABASE_URL = inject("sourcesDatabaseUrl");

const PIECES = [
  "a",
  "=",
  "+",
  "-",
  "@",
  " ",
  "\t",
  "\r",
  "\n",
  "\r\n",
  ",",
  ";",
  "|",
  '"',
  "'",
  "\\",
  "\\N",
  "\\.",
  "\u000b",
  "\u0001",
  "\u001f",
  "\u007f",
  "\u00a0",
  "\u200b",
  "\ufeff",
  "\u3000",
  "＝",
  "－",
  "한",
  "中",
  "é",
  "😀",
  "1",
  "0.5",
  "{",
  "}",
  "[",
  "]",
  ":",
  "null",
  "true",
];

function* generated(count: number): Generator<string> {
  let seed = 20261201;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < count; i++) {
    let text = "";
    const length = Math.floor(next() * 6);
    for (let j = 0; j < length; j++) text += PIECES[Math.floor(next() * PIECES.length)];
    yield text;
  }
}

const TEXTS = [...FORMULA_PAYLOADS.map((p) => p.text), ...generated(3000), "", " ", "\\.", '""', "a\\b"];

let dataset: DatasetInfo;

beforeAll(async () => {
  const owner = await prisma().user.findFirstOrThrow({ where: { role: "admin" }, orderBy: { id: "asc" } });
  const created = await prisma().dataset.create({
    data: {
      title: `COPY paths ${Date.now()}`,
      ownerId: owner.id,
      dateColumn: "day",
      columns: {
        create: [
          { position: 0, key: "text", label: '=Text, "quoted"', type: "string" },
          { position: 1, key: "n", label: "N", type: "number" },
          { position: 2, key: "i", label: "I", type: "integer" },
          { position: 3, key: "day", label: "Day", type: "date" },
          { position: 4, key: "at", label: "At", type: "datetime" },
          { position: 5, key: "ok", label: "OK", type: "boolean" },
          { position: 6, key: "doc", label: "Doc", type: "json" },
          { position: 7, key: "secret", label: "Secret", type: "string", sensitive: true },
        ],
      },
    },
  });
  const numbers = [0, -0.5, 1234.5, -12, 1e-7, 123456789012345.6, 0.1, 9007199254740993, 1e21, 2.5e-5];
  const integers = [0, -5, 42, 9007199254740993n, -9223372036854775807n, 123456789012345];
  await loadDatasetRows(created.id, [
    TEXTS.map((text, i) => ({
      text,
      n: i % 11 === 10 ? null : numbers[i % numbers.length],
      i: i % 7 === 6 ? null : integers[i % integers.length],
      day:
        i % 5 === 4
          ? null
          : i % 13 === 12
            ? "0050-06-15" // a year of two digits, which Date.UTC would take for 1950
            : `20${String(10 + (i % 15)).padStart(2, "0")}-0${1 + (i % 9)}-1${i % 10}`,
      at:
        i % 6 === 5
          ? null
          : i % 17 === 16
            ? new Date(Date.UTC(999, 5, 1, 8, 27, 52, i % 2 === 0 ? 500 : 0)) // a year of three digits
            : new Date(Date.UTC(2024, i % 12, 1 + (i % 28), i % 24, i % 60, i % 60, i % 3 === 0 ? 250 : 0)),
      ok: i % 3 === 2 ? null : i % 2 === 0,
      doc:
        i % 4 === 0
          ? { text, list: [1, "=2", null] }
          : i % 4 === 1
            ? text
            : i % 8 === 2
              ? { escaped: "\\u0000", lone: "\uDC00", "key\u0000": 12345678901234567890n }
              : null,
      secret: i % 2 === 0 ? text : null,
    })),
  ]);
  dataset = (await findDataset(created.id))!;
});

async function exportBytes(
  format: "csv" | "json" | "ndjson" | "parquet" | "excel",
  raw: unknown,
  viaCopy: boolean,
  sensitive: boolean,
) {
  const options = ZExportOptionsSchema.parse(raw);
  const plan = planExport(options, dataset, { mayIncludeSensitive: sensitive });
  const source = datasetSource(dataset);
  const { bytes, stats } = runExport({
    format,
    columns: plan.columns,
    source: source.rows(plan),
    copy: viaCopy
      ? {
          csv: (dialect) => source.csv(plan, dialect),
          text: () => source.text(plan),
          redacted: plan.columns.map((c) => c.redacted),
        }
      : undefined,
    options,
    info: { datasetTitle: "COPY", filters: "", user: "test", generatedAt: new Date(0) },
    // The same widths for both paths: the value writer's first batch and the COPY writer's
    // first run hold different rows.
    excel: { extents: () => source.extents(plan) },
  });
  const parts: Buffer[] = [];
  for await (const chunk of bytes) parts.push(Buffer.from(chunk));
  return { bytes: Buffer.concat(parts), stats };
}

const VARIANTS: Array<[string, unknown]> = [
  ["defaults", {}],
  ["semicolons, no BOM", { delimiter: ";", bom: false }],
  ["tabs, Seoul", { delimiter: "\t", timezone: "Asia/Seoul" }],
  [
    "New York, gzip off, a filter",
    { timezone: "America/New_York", filters: [{ column: "ok", op: "ne", value: true }] },
  ],
  // Zone names PostgreSQL reads otherwise (IST: Israel, not India) or not at all (CTT).
  ["IST", { timezone: "IST" }],
  ["PST, a date range to the last day there is", { timezone: "PST", date_range: { end: "9999-12-31" } }],
  ["CTT, semicolons", { timezone: "CTT", delimiter: ";" }],
];

/** A workbook's entries, uncompressed: the same parts hold the same bytes however deflate cut them. */
async function entries(zip: Buffer): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  const file = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, opened) => (error ? reject(error) : resolve(opened))),
  );
  await new Promise<void>((resolve, reject) => {
    file.on("entry", (entry: yauzl.Entry) => {
      file.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const parts: Buffer[] = [];
        stream.on("data", (part: Buffer) => parts.push(part));
        stream.on("end", () => {
          found.set(entry.fileName, Buffer.concat(parts));
          file.readEntry();
        });
        stream.on("error", reject);
      });
    });
    file.on("end", resolve);
    file.on("error", reject);
    file.readEntry();
  });
  return found;
}

function expectSameBytes(copied: Buffer, values: Buffer, what: string) {
  if (!copied.equals(values)) {
    let at = 0;
    while (copied[at] === values[at]) at++;
    const around = (b: Buffer) => JSON.stringify(b.subarray(Math.max(0, at - 80), at + 80).toString());
    expect(around(copied), what).toBe(around(values));
  }
  expect(copied.equals(values), what).toBe(true);
}

describe("the COPY path writes the value writer's workbook", () => {
  for (const [name, options] of VARIANTS) {
    for (const sensitive of [true, false]) {
      it(`excel, ${name}${sensitive ? "" : ", redacted"}`, async () => {
        const values = await exportBytes("excel", options, false, sensitive);
        const copied = await exportBytes("excel", options, true, sensitive);
        expect(values.stats.rows).toBeGreaterThan(0);
        expect(copied.stats.rows).toBe(values.stats.rows);
        const [fromValues, fromCopy] = [await entries(values.bytes), await entries(copied.bytes)];
        expect([...fromCopy.keys()]).toEqual([...fromValues.keys()]);
        for (const [part, bytes] of fromValues) expectSameBytes(fromCopy.get(part)!, bytes, part);
      });
    }
  }
});

describe("the COPY paths write the value writers' files", () => {
  for (const format of ["csv", "json", "ndjson", "parquet"] as const) {
    for (const [name, options] of VARIANTS) {
      for (const sensitive of [true, false]) {
        it(`${format}, ${name}${sensitive ? "" : ", redacted"}`, async () => {
          const values = await exportBytes(format, options, false, sensitive);
          const copied = await exportBytes(format, options, true, sensitive);
          expect(values.stats.rows).toBeGreaterThan(0);
          expect(copied.stats.rows).toBe(values.stats.rows);
          if (!copied.bytes.equals(values.bytes)) {
            let at = 0;
            while (copied.bytes[at] === values.bytes[at]) at++;
            const around = (b: Buffer) => JSON.stringify(b.subarray(Math.max(0, at - 60), at + 60).toString());
            expect(around(copied.bytes)).toBe(around(values.bytes));
          }
          expect(copied.bytes.equals(values.bytes)).toBe(true);
        });
      }
    }
  }

  it("reads back: every text cell of the CSV is the payload, neutralised where it could run", async () => {
    const { bytes } = await exportBytes("csv", { columns: ["text"] }, true, true);
    const rows = parseCsv(bytes.toString("utf8").replace(/^\uFEFF/, ""));
    expect(rows).toHaveLength(TEXTS.length + 1);
    expect(rows[0]).toEqual(['\'=Text, "quoted"']);
    TEXTS.forEach((text, i) => {
      const cell = rows[i + 1]![0]!;
      expect(cell === text || cell.replaceAll("'", "") === text.replaceAll("'", "")).toBe(true);
      expect(/^[=+\-@\t\r]/.test(cell)).toBe(false);
    });
  });

  it("writes JSON that parses back to every payload", async () => {
    const { bytes } = await exportBytes("json", { columns: ["text", "doc"] }, true, true);
    const rows = JSON.parse(bytes.toString("utf8")) as Array<{ text: string; doc: unknown }>;
    expect(rows.map((r) => r.text)).toEqual(TEXTS);
    expect(rows[0]!.doc).toEqual({ text: TEXTS[0], list: [1, "=2", null] });
  });
});
