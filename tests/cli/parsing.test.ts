// The CLI's pure parts: flags → the API's options, filters, formats, DATASET resolution,
// exit codes, Retry-After, file names and digests from headers, plain progress lines.
import { PassThrough } from "node:stream";
import { resolveDataset } from "@/cli/commands/datasets";
import { exportRequests } from "@/cli/commands/export";
import { fileNameFrom, headerDigests } from "@/cli/download";
import { EXIT, exitCodeForStatus, CliError } from "@/cli/errors";
import { buildOptions, parseFilter, parseFormats, parseRename } from "@/cli/export-options";
import { retryAfterSeconds } from "@/cli/http";
import { localeFromEnv, setLocale } from "@/cli/messages";
import { createProgress } from "@/cli/progress";
import type { Dataset } from "@/cli/api-types";

const columns = [
  { key: "amount", type: "number" },
  { key: "quantity", type: "integer" },
  { key: "code", type: "string" },
  { key: "active", type: "boolean" },
  { key: "day", type: "date" },
];

const dataset = (id: number, title: string): Dataset => ({
  id,
  title,
  owner_email: null,
  record_count: 1,
  columns: columns.map((c) => ({ ...c, label: c.key, sensitive: false })),
  can_export: true,
  export_denied_reason: null,
});

function usage(fn: () => unknown): CliError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error("did not throw");
}

describe("filters", () => {
  it("reads the comparison symbols", () => {
    expect(parseFilter("amount<0", columns)).toEqual({ column: "amount", op: "lt", value: 0 });
    expect(parseFilter("amount<=-1.5", columns)).toEqual({ column: "amount", op: "lte", value: -1.5 });
    expect(parseFilter("amount>=10", columns)).toEqual({ column: "amount", op: "gte", value: 10 });
    expect(parseFilter("amount>10", columns)).toEqual({ column: "amount", op: "gt", value: 10 });
    expect(parseFilter("amount!=3", columns)).toEqual({ column: "amount", op: "ne", value: 3 });
    expect(parseFilter("code=007", columns)).toEqual({ column: "code", op: "eq", value: "007" });
    expect(parseFilter("code==A B", columns)).toEqual({ column: "code", op: "eq", value: "A B" });
    expect(parseFilter("code~ann", columns)).toEqual({ column: "code", op: "contains", value: "ann" });
    expect(parseFilter("code^=A", columns)).toEqual({ column: "code", op: "starts_with", value: "A" });
    expect(parseFilter("active=true", columns)).toEqual({ column: "active", op: "eq", value: true });
    expect(parseFilter("day>=2025-01-01", columns)).toEqual({ column: "day", op: "gte", value: "2025-01-01" });
  });

  it("types values by the column, and guesses without it; quotes keep text", () => {
    expect(parseFilter("unknown=12")).toEqual({ column: "unknown", op: "eq", value: 12 });
    expect(parseFilter("unknown=false")).toEqual({ column: "unknown", op: "eq", value: false });
    expect(parseFilter('unknown="12"')).toEqual({ column: "unknown", op: "eq", value: "12" });
    expect(parseFilter("quantity=abc", columns)).toEqual({ column: "quantity", op: "eq", value: "abc" }); // the server says why
  });

  it("reads column:op:value for every operator", () => {
    expect(parseFilter("quantity:in:1,2,3", columns)).toEqual({ column: "quantity", op: "in", value: [1, 2, 3] });
    expect(parseFilter("amount:between:-1,5", columns)).toEqual({ column: "amount", op: "between", value: [-1, 5] });
    expect(parseFilter("code:is_null", columns)).toEqual({ column: "code", op: "is_null" });
    expect(parseFilter("code:is_null:false", columns)).toEqual({ column: "code", op: "is_null", value: false });
    expect(parseFilter("code:starts_with:a:b", columns)).toEqual({ column: "code", op: "starts_with", value: "a:b" });
  });

  it("refuses what it cannot read (exit 1)", () => {
    expect(usage(() => parseFilter("amount")).exitCode).toBe(EXIT.usage);
    expect(usage(() => parseFilter("<5")).exitCode).toBe(EXIT.usage);
    expect(usage(() => parseFilter("amount<")).exitCode).toBe(EXIT.usage);
    expect(usage(() => parseFilter("amount:like:x")).message).toContain("like");
  });
});

describe("options and requests", () => {
  it("builds the options object from the flags", () => {
    expect(
      buildOptions(
        {
          columns: "code, amount",
          rename: ["amount=Total (KRW)", "code=Code=1"],
          filter: ["amount<0", "code~x"],
          any: true,
          from: "2025-01-01",
          to: "2025-01-31",
          gzip: true,
          delimiter: ";",
          timezone: "Asia/Seoul",
        },
        columns,
      ),
    ).toEqual({
      columns: ["code", "amount"],
      rename: { amount: "Total (KRW)", code: "Code=1" },
      date_range: { start: "2025-01-01", end: "2025-01-31" },
      filters: [
        { column: "amount", op: "lt", value: 0 },
        { column: "code", op: "contains", value: "x" },
      ],
      filter_mode: "any",
      compression: "gzip",
      delimiter: ";",
      timezone: "Asia/Seoul",
    });
    expect(buildOptions({})).toEqual({});
  });

  it("refuses a rename without key=Header", () => {
    expect(usage(() => parseRename(["amount"])).exitCode).toBe(EXIT.usage);
    expect(usage(() => parseRename(["=A"])).exitCode).toBe(EXIT.usage);
    expect(usage(() => parseRename(["a= "])).exitCode).toBe(EXIT.usage);
  });

  it("reads formats, comma-separated, xlsx as excel, no repeats", () => {
    expect(parseFormats("csv,Excel,xlsx")).toEqual(["csv", "excel"]);
    expect(usage(() => parseFormats("csv,docx")).message).toContain("docx");
    expect(usage(() => parseFormats(",")).exitCode).toBe(EXIT.usage);
  });

  it("makes one request per dataset × format", () => {
    const list = [dataset(1, "Q1 Sales"), dataset(2, "Q2 Sales")];
    const requests = exportRequests(["1", "q2 sales", "Q1 Sales"], { format: "csv,json", filter: ["amount<0"] }, list);
    expect(requests.map((r) => [r.dataset.id, r.format])).toEqual([
      [1, "csv"],
      [1, "json"],
      [2, "csv"],
      [2, "json"],
    ]);
    expect(requests[0]?.body).toEqual({
      dataset_id: 1,
      format: "csv",
      options: { filters: [{ column: "amount", op: "lt", value: 0 }] },
    });
  });
});

describe("DATASET", () => {
  const list = [dataset(1, "Q1 Sales"), dataset(2, "Q2 Sales"), dataset(12, "Sales"), dataset(4, "All Students")];
  it("is an id, an exact title (any case) or a unique part of one", () => {
    expect(resolveDataset("2", list).id).toBe(2);
    expect(resolveDataset("sales", list).id).toBe(12);
    expect(resolveDataset("students", list).id).toBe(4);
  });
  it("ambiguous → the candidates, exit 1; none → exit 3", () => {
    const ambiguous = usage(() => resolveDataset("q", list));
    expect(ambiguous.exitCode).toBe(EXIT.usage);
    expect(ambiguous.message).toContain("1  Q1 Sales");
    expect(ambiguous.message).toContain("2  Q2 Sales");
    expect(usage(() => resolveDataset("nothing", list)).exitCode).toBe(EXIT.notFound);
    expect(usage(() => resolveDataset("99", list)).exitCode).toBe(EXIT.notFound);
  });
});

describe("exit codes and headers", () => {
  it("maps statuses to exit codes", () => {
    expect(exitCodeForStatus(401)).toBe(2);
    expect(exitCodeForStatus(403)).toBe(3);
    expect(exitCodeForStatus(404)).toBe(3);
    expect(exitCodeForStatus(422)).toBe(1);
    expect(exitCodeForStatus(409)).toBe(4);
    expect(exitCodeForStatus(410)).toBe(4);
    expect(exitCodeForStatus(429)).toBe(4);
    expect(exitCodeForStatus(500)).toBe(4);
  });
  it("reads Retry-After as seconds or a date", () => {
    expect(retryAfterSeconds("7")).toBe(7);
    expect(retryAfterSeconds(null)).toBeUndefined();
    expect(retryAfterSeconds("soon")).toBeUndefined();
    const now = Date.parse("2026-12-01T10:00:00Z");
    expect(retryAfterSeconds("Tue, 01 Dec 2026 10:00:05 GMT", now)).toBe(5);
  });
  it("takes a safe file name from Content-Disposition", () => {
    expect(fileNameFrom(`attachment; filename="q1.csv"; filename*=UTF-8''%EB%A7%A4%EC%B6%9C.csv`, "x")).toBe(
      "매출.csv",
    );
    expect(fileNameFrom(`attachment; filename="q1.csv"`, "x")).toBe("q1.csv");
    expect(fileNameFrom(`attachment; filename="../../etc/passwd"`, "x")).toBe("passwd");
    expect(fileNameFrom(`attachment; filename=".."`, "fallback.csv")).toBe("fallback.csv");
    expect(fileNameFrom(null, "fallback.csv")).toBe("fallback.csv");
  });
  it("reads every SHA-256 the headers carry", () => {
    const hex = "a".repeat(64);
    const b64 = Buffer.from(hex, "hex").toString("base64");
    const headers = new Headers({
      "x-checksum-sha256": hex,
      "repr-digest": `sha-256=:${b64}:`,
      digest: `SHA-256=${b64}`,
    });
    expect(headerDigests(headers)).toEqual([hex, hex, hex]);
    expect(headerDigests(new Headers())).toEqual([]);
  });
});

describe("messages and progress", () => {
  afterEach(() => setLocale("en"));
  it("picks the language from the environment", () => {
    expect(localeFromEnv({ LANG: "ko_KR.UTF-8" })).toBe("ko");
    expect(localeFromEnv({ OUTPORT_LANG: "en", LANG: "ko_KR.UTF-8" })).toBe("en");
    expect(localeFromEnv({})).toBe("en");
  });
  it("writes plain lines off a terminal, once per change", () => {
    const stream = new PassThrough();
    let text = "";
    stream.on("data", (c: Buffer) => (text += c.toString()));
    const progress = createProgress({ stream });
    const bar = progress.add("Q1 Sales (excel)");
    bar.update({ status: "pending", progress: 0, processed: 0, total: null });
    bar.update({ status: "processing", progress: 40, processed: 2000, total: 5000 });
    bar.update({ status: "processing", progress: 40, processed: 2000, total: 5000 });
    bar.update({ status: "completed", progress: 100, processed: 5000, total: 5000 });
    expect(text.split("\n").filter(Boolean)).toEqual([
      "Q1 Sales (excel): pending (0 rows)",
      "Q1 Sales (excel): processing 40% (2000/5000 rows)",
      "Q1 Sales (excel): completed 100% (5000/5000 rows)",
    ]);
    setLocale("ko");
    const ko = createProgress({ stream }).add("Q1");
    text = "";
    ko.update({ status: "processing", progress: 10, processed: 1, total: 10 });
    expect(text).toBe("Q1: processing 10% (1/10행)\n");
  });
  it("draws a bar per export on a terminal, redrawn in place", async () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 160 });
    let text = "";
    stream.on("data", (c: Buffer) => (text += c.toString()));
    const progress = createProgress({ stream });
    const a = progress.add("Q1 Sales (csv)");
    const b = progress.add("Q2 Sales (excel)");
    a.update({ status: "processing", progress: 50, processed: 2, total: 4, eta: 65 });
    b.update({ status: "pending", processed: 0, total: null });
    await new Promise((r) => setTimeout(r, 150));
    a.update({ status: "completed", progress: 100, processed: 4, total: 4, eta: 0 });
    await new Promise((r) => setTimeout(r, 150));
    progress.stop();
    expect(text).toContain("Q1 Sales (csv) |");
    expect(text).toMatch(/50% \| 2\/4 rows \| processing \| 1m 05s left \| \d+ rows\/s/);
    expect(text).toMatch(/100% \| 4\/4 rows \| completed \| 0s left/);
    expect(text).toContain("Q2 Sales (excel) |");
    expect(text).toContain("\u001b["); // cursor movements: the lines are redrawn, not appended
  });

  it("prints nothing with --quiet", () => {
    const stream = new PassThrough();
    let text = "";
    stream.on("data", (c: Buffer) => (text += c.toString()));
    const bar = createProgress({ stream, quiet: true }).add("x");
    bar.update({ status: "processing", progress: 1, processed: 1, total: 2 });
    bar.log("line");
    expect(text).toBe("");
  });
});
