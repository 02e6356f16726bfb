// CSV (RFC 4180): UTF-8 with an optional BOM, CRLF line ends, a field quoted when it
// holds a quote, CR, LF or any delimiter a spreadsheet may be told to split on (`,` `;`
// tab `|`, whichever the file uses), quotes doubled; text that a spreadsheet could run as
// a formula is neutralised (formula.ts). One chunk per batch (~5,000 lines): per
// line chunks are 15× slower.
import { CSV_QUOTE_TRIGGERS, neutralizeCsvText } from "../formula";
import { csvText, type ValueOptions } from "../values";
import type { ColumnType, ExportColumn } from "../types";
import { columnValueOptions } from "../warnings";
import type { FormatWriter } from "../types";

export type CsvOptions = { delimiter: string; bom: boolean };

/**
 * Quotes a field that holds a quote, a line break or any likely separator, not only the
 * file's own delimiter: a file opened with another separator then keeps the field whole
 * when it starts a line, and formula.ts has neutralised every piece in case it does not.
 */
export function csvEscaper(delimiter: string): (field: string) => string {
  const special = /[,;\t|]/.test(delimiter)
    ? CSV_QUOTE_TRIGGERS
    : new RegExp(`${CSV_QUOTE_TRIGGERS.source}|${delimiter.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`);
  return (field) => (special.test(field) ? `"${field.replaceAll('"', '""')}"` : field);
}

const CANONICAL_NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * One cell formatter per column: the shapes the database hands over (text of a string,
 * a plain number, true/false, an ISO date) take a short path; anything else goes through
 * csvText, which handles every value and warns. Neither path lets a formula through.
 */
function cellFormatter(
  type: ColumnType,
  options: Required<ValueOptions>,
  escape: (field: string) => string,
): (value: unknown) => string {
  const general = (value: unknown) => escape(csvText(value, type, options));
  switch (type) {
    case "string":
      return (value) =>
        typeof value === "string" ? escape(neutralizeCsvText(value)) : value == null ? "" : general(value);
    case "integer":
    case "number":
      return (value) =>
        typeof value === "string" && CANONICAL_NUMBER.test(value) ? value : value == null ? "" : general(value);
    case "boolean":
      return (value) =>
        typeof value === "boolean"
          ? String(value)
          : value === "true" || value === "false"
            ? value
            : value == null
              ? ""
              : general(value);
    case "date":
      return (value) =>
        typeof value === "string" && ISO_DATE.test(value) ? value : value == null ? "" : general(value);
    default:
      return (value) => (value == null ? "" : general(value));
  }
}

/** The header line (without its line end): each column's header as a neutralised text field. */
export function csvHeader(columns: readonly ExportColumn[], delimiter: string): string {
  const escape = csvEscaper(delimiter);
  return columns.map((column) => escape(neutralizeCsvText(column.header))).join(delimiter);
}

export const writeCsv: FormatWriter<CsvOptions> = async function* (batches, context) {
  const { columns, delimiter, bom, timezone, onWarning } = context;
  const escape = csvEscaper(delimiter);
  const header = csvHeader(columns, delimiter);
  yield Buffer.from(`${bom ? "\uFEFF" : ""}${header}\r\n`, "utf8");

  const { current, options } = columnValueOptions(columns, { timezone, onWarning });
  const cells = columns.map((column, i) => cellFormatter(column.type, options[i]!, escape));
  const last = cells.length - 1;
  for await (const batch of batches) {
    let chunk = "";
    for (const row of batch) {
      current.row++;
      for (let i = 0; i < last; i++) chunk += cells[i]!(row[i]) + delimiter;
      chunk += last >= 0 ? `${cells[last]!(row[last])}\r\n` : "\r\n";
    }
    if (chunk) yield Buffer.from(chunk, "utf8");
  }
};
