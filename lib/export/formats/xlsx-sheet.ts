// One worksheet's XML, written as rows arrive: the head (frozen header pane, column widths,
// the header row), then each batch of rows as one string, then the tail (the autofilter
// over the written range). Cells carry one of the fixed styles of ./xlsx-parts.ts; text is
// an inline string (no shared-strings table to hold), numbers and dates are numbers.
//
// Values take the engine's shapes (lib/export/values.ts). The shapes the typed source
// hands over — digits, `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ`, true/false — are turned into
// cells here directly; anything else goes through excelValue, which warns the same way for
// every format.
import { startsFormula } from "../formula";
import type { ColumnExtent, ColumnType, ExportColumn, ExportRow } from "../types";
import { displayText, excelValue, utcDayMs, type ExcelValue, type ValueOptions } from "../values";
import { SHEET_HEAD, STYLE } from "./xlsx-parts";

/** 1,048,576 rows in a sheet, one of them the header. */
export const EXCEL_MAX_DATA_ROWS = 1_048_575;
export const EXCEL_MAX_COLUMNS = 16_384;
const EXCEL_MAX_CELL_TEXT = 32_767;

const MIN_WIDTH = 8;
const MAX_WIDTH = 50;
const WIDTH_PADDING = 2;

type Warn = (message: string) => void;

/** 0 → A, 25 → Z, 26 → AA … 16,383 → XFD. */
export function columnLetters(index: number): string {
  let letters = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

// ---- Text ---------------------------------------------------------------------------

// What XML 1.0 cannot hold as it is, or would change: markup characters; CR, which a
// parser turns into LF unless it is a character reference; the C0 controls other than
// tab and LF, and U+FFFE/U+FFFF, which XML forbids even as references. Those become
// SpreadsheetML's own `_xHHHH_` escape, which Excel and LibreOffice decode back to the
// character — so a text that looks like such an escape has its `_` escaped in turn.
const NEEDS_ESCAPE = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|_x[0-9A-Fa-f]{4}_/;
const ESCAPED = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|_(?=x[0-9A-Fa-f]{4}_)/g;

function escapeCharacter(c: string): string {
  switch (c) {
    case "&":
      return "&amp;";
    case "<":
      return "&lt;";
    case ">":
      return "&gt;";
    case "\r":
      return "&#13;";
    default:
      return `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}_`;
  }
}

/** Text as the content of a `<t>` element: the same characters when read back. */
export function xmlText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPED, escapeCharacter) : text;
}

/**
 * Text a cell can hold: at most Excel's 32,767 characters, and no lone surrogate (no
 * character of XML stands for one), each change told.
 */
export function cellText(text: string, warn: Warn): string {
  let fitted = text;
  if (fitted.length > EXCEL_MAX_CELL_TEXT) {
    warn(`text of ${fitted.length} characters cut to Excel's limit of ${EXCEL_MAX_CELL_TEXT}`);
    fitted = fitted.slice(0, EXCEL_MAX_CELL_TEXT);
    // Never leave half a surrogate pair at the cut.
    const last = fitted.charCodeAt(fitted.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) fitted = fitted.slice(0, -1);
  }
  if (!fitted.isWellFormed()) {
    warn("a lone surrogate (half of a character) was written as U+FFFD");
    fitted = fitted.toWellFormed();
  }
  return fitted;
}

/** `<t>` keeps leading and trailing white space, and line breaks, only when told to. */
function textElement(text: string, lines = text.includes("\n")): string {
  const keep = lines || text.charCodeAt(0) <= 0x20 || text.charCodeAt(text.length - 1) <= 0x20;
  return keep ? `<t xml:space="preserve">${xmlText(text)}</t>` : `<t>${xmlText(text)}</t>`;
}

// ---- Dates --------------------------------------------------------------------------

const MS_PER_DAY = 86_400_000;
/** Days from Excel's day 0 (1899-12-30, in its 1900 system) to 1970-01-01. */
const UNIX_EPOCH_SERIAL = 25_569;
/**
 * Excel's 1900 system counts a 29 February 1900 that never was, so its serials before
 * 1 March 1900 mean a day other than what LibreOffice and most libraries read from them:
 * those dates, like any before 1900, are written as text, which every reader reads alike.
 */
const FIRST_SERIAL_MS = Date.UTC(1900, 2, 1);
const AFTER_LAST_DAY_MS = Date.UTC(10_000, 0, 1);
export const EXCEL_DATE_RANGE = "1900-03-01 to 9999-12-31";

/** Each second of a day as a fraction of it (`.5` for noon), made when first needed. */
const DAY_FRACTIONS: Array<string | undefined> = new Array<string | undefined>(86_400);

/** The fraction of a day a second (1–86,399) is, to ten decimals (a thousandth of a millisecond). */
export function dayFraction(second: number): string {
  return (DAY_FRACTIONS[second] ??= (second / 86_400).toFixed(10).replace(/0+$/, "").slice(1));
}

/** The whole Excel serial day of a wall-clock instant (UTC milliseconds), or -1 outside EXCEL_DATE_RANGE. */
export function excelDay(ms: number): number {
  if (!(ms >= FIRST_SERIAL_MS && ms < AFTER_LAST_DAY_MS)) return -1;
  return Math.floor(ms / MS_PER_DAY) + UNIX_EPOCH_SERIAL;
}

/**
 * The Excel serial of a wall-clock instant (UTC milliseconds, to the second), as the text
 * of a cell's value, or null outside EXCEL_DATE_RANGE: whole days, then the second of the
 * day as dayFraction writes it, which every reader rounds back to the same second — and
 * far cheaper to write than the shortest form of a double.
 */
export function excelSerialText(ms: number): string | null {
  const day = excelDay(ms);
  if (day < 0) return null;
  const second = Math.floor((ms - (day - UNIX_EPOCH_SERIAL) * MS_PER_DAY) / 1000);
  return second === 0 ? String(day) : String(day) + dayFraction(second);
}

const digit = (text: string, at: number) => text.charCodeAt(at) - 48;
const twoDigits = (text: string, at: number) => digit(text, at) * 10 + digit(text, at + 1);
const fourDigits = (text: string, at: number) => twoDigits(text, at) * 100 + twoDigits(text, at + 2);

const ISO_DAY = /^\d{4}-\d{2}-\d{2}/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/** `YYYY-MM-DD` as UTC milliseconds, or NaN for another shape. */
function isoDateMs(text: string): number {
  if (text.length !== 10 || !ISO_DAY.test(text)) return NaN;
  return utcDayMs(fourDigits(text, 0), twoDigits(text, 5), twoDigits(text, 8));
}

/** `YYYY-MM-DDTHH:MM:SS[.fff]Z` as UTC milliseconds to the second, or NaN for another shape. */
function isoUtcMs(text: string): number {
  if (!ISO_UTC.test(text)) return NaN;
  // Hours past 23 and the like never come from the database; they would roll over.
  if (twoDigits(text, 11) > 23 || twoDigits(text, 14) > 59 || twoDigits(text, 17) > 59) return NaN;
  const day = utcDayMs(fourDigits(text, 0), twoDigits(text, 5), twoDigits(text, 8));
  return day + twoDigits(text, 11) * 3_600_000 + twoDigits(text, 14) * 60_000 + twoDigits(text, 17) * 1000;
}

// ---- Cells --------------------------------------------------------------------------

/** A column's two styles: for odd sheet rows and for even (zebra) ones. */
export type Styles = readonly [odd: number, even: number];

const NUMERIC_STYLES: Partial<Record<ColumnType, Styles>> = {
  number: [STYLE.number, STYLE.numberZebra],
  integer: [STYLE.integer, STYLE.integerZebra],
  date: [STYLE.date, STYLE.dateZebra],
  datetime: [STYLE.datetime, STYLE.datetimeZebra],
};
const GENERAL: Styles = [STYLE.plain, STYLE.zebra];
const TEXT_FORMAT: Styles = [STYLE.text, STYLE.textZebra];
const WRAPPED: Styles = [STYLE.wrapped, STYLE.wrappedZebra];
const WRAPPED_TEXT_FORMAT: Styles = [STYLE.wrappedText, STYLE.wrappedTextZebra];

const styleAttribute = (style: number) => (style === 0 ? "" : ` s="${style}"`);

function textCell(ref: string, text: string, even: 0 | 1): string {
  if (text === "") return emptyCell(ref, even ? GENERAL[1] : 0);
  // A text a spreadsheet could take for a formula gets the Text format ("@"): shown as it
  // is, and still text when someone edits the cell. Text of several lines wraps.
  const lines = text.includes("\n");
  const formula = startsFormula(text);
  const style = (lines ? (formula ? WRAPPED_TEXT_FORMAT : WRAPPED) : formula ? TEXT_FORMAT : GENERAL)[even];
  return `<c r="${ref}"${styleAttribute(style)} t="inlineStr"><is>${textElement(text, lines)}</is></c>`;
}

function emptyCell(ref: string, style: number): string {
  // An odd row's empty cell is no cell at all; an even row's keeps the stripe.
  return style === 0 ? "" : `<c r="${ref}" s="${style}"/>`;
}

const numberCell = (ref: string, style: number, number: string) =>
  `<c r="${ref}"${styleAttribute(style)}><v>${number}</v></c>`;
const booleanCell = (ref: string, style: number, value: boolean) =>
  `<c r="${ref}"${styleAttribute(style)} t="b"><v>${value ? 1 : 0}</v></c>`;

const DECIMAL = /^-?\d+(?:\.\d+)?$/;
/** Longer digits go through excelValue (a double, as Excel keeps it). */
export const MAX_DECIMAL_TEXT = 32;
const INTEGER = /^-?\d{1,15}$/;

export type Encoder = (value: unknown, ref: string, even: 0 | 1) => string;

/**
 * Per column, how a value becomes a cell: the common shapes directly, the rest through
 * excelValue. Every value of every export goes through one of these.
 */
function encoder(type: ColumnType, options: Required<ValueOptions>): Encoder {
  const styles = NUMERIC_STYLES[type] ?? GENERAL;
  const { warn } = options;
  const general = (value: unknown, ref: string, even: 0 | 1): string =>
    excelCell(excelValue(value, type, options), type, ref, even, styles, options);

  switch (type) {
    case "string":
    case "json":
      return (value, ref, even) =>
        typeof value === "string"
          ? textCell(ref, cellText(value, warn), even)
          : value === null || value === undefined
            ? emptyCell(ref, styles[even])
            : general(value, ref, even);
    case "integer":
      return (value, ref, even) =>
        typeof value === "string" && INTEGER.test(value)
          ? numberCell(ref, styles[even], value)
          : value === null || value === undefined
            ? emptyCell(ref, styles[even])
            : general(value, ref, even);
    case "number":
      return (value, ref, even) => {
        // Digits as the database wrote them (`1234.50`): a number to every reader, as it is.
        if (typeof value === "string" && value.length <= MAX_DECIMAL_TEXT && DECIMAL.test(value))
          return numberCell(ref, styles[even], value);
        return value === null || value === undefined ? emptyCell(ref, styles[even]) : general(value, ref, even);
      };
    case "boolean":
      return (value, ref, even) =>
        typeof value === "boolean"
          ? booleanCell(ref, styles[even], value)
          : value === null || value === undefined
            ? emptyCell(ref, styles[even])
            : general(value, ref, even);
    case "date":
      return (value, ref, even) => {
        const serial = typeof value === "string" ? excelSerialText(isoDateMs(value)) : null;
        if (serial !== null) return numberCell(ref, styles[even], serial);
        return value === null || value === undefined ? emptyCell(ref, styles[even]) : general(value, ref, even);
      };
    case "datetime": {
      const utc = options.timezone === "UTC";
      return (value, ref, even) => {
        const serial = utc && typeof value === "string" ? excelSerialText(isoUtcMs(value)) : null;
        if (serial !== null) return numberCell(ref, styles[even], serial);
        return value === null || value === undefined ? emptyCell(ref, styles[even]) : general(value, ref, even);
      };
    }
  }
}

/** A value excelValue made, as a cell. */
function excelCell(
  value: ExcelValue,
  type: ColumnType,
  ref: string,
  even: 0 | 1,
  styles: Styles,
  options: Required<ValueOptions>,
): string {
  if (value === null) return emptyCell(ref, styles[even]);
  if (typeof value === "boolean") return booleanCell(ref, styles[even], value);
  if (typeof value === "number") {
    if (Number.isFinite(value)) return numberCell(ref, styles[even], String(value));
    options.warn(`not a finite number: ${value}`);
    return emptyCell(ref, styles[even]);
  }
  if (value instanceof Date) {
    const serial = excelSerialText(value.getTime());
    if (serial !== null) return numberCell(ref, styles[even], serial);
    const text = displayText(value, type === "date" ? "date" : "datetime", { timezone: "UTC" });
    options.warn(`${text} is outside the dates Excel files hold alike (${EXCEL_DATE_RANGE}): written as text`);
    return textCell(ref, cellText(text, options.warn), even);
  }
  return textCell(ref, cellText(value, options.warn), even);
}

// ---- Widths -------------------------------------------------------------------------

const twoDecimals = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const wholeNumber = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** Code points, not UTF-16 units, so "한글" or an emoji is not counted double; past the cap it no longer matters. */
function textLength(text: string): number {
  return text.length > 4 * MAX_WIDTH ? text.length : Array.from(text).length;
}

/** How many characters Excel shows for a value with the column's number format. */
function displayLength(value: ExcelValue, type: ColumnType): number {
  if (value === null) return 0;
  if (typeof value === "boolean") return value ? 4 : 5; // TRUE / FALSE
  if (value instanceof Date) return type === "datetime" ? 19 : 10;
  if (typeof value === "number") {
    // NaN is shown as its name; a number past a double's range fills the column.
    if (!Number.isFinite(value)) return Number.isNaN(value) ? 3 : MAX_WIDTH;
    if (type === "number") return twoDecimals.format(value).length;
    if (type === "integer") return wholeNumber.format(value).length;
    return String(value).length;
  }
  return textLength(value);
}

export function clampWidth(length: number): number {
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, length + WIDTH_PADDING));
}

const quiet: Required<ValueOptions> = { timezone: "UTC", warn: () => {} };

/**
 * Widths from the values themselves: the header and the rows given (the first batch, when
 * the source could not say more before the sheet starts). Their warnings come later, once,
 * when the cells are written.
 */
export function widthsFromRows(columns: readonly ExportColumn[], rows: readonly ExportRow[]): number[] {
  return columns.map((column, i) => {
    let longest = textLength(column.header);
    for (const row of rows)
      longest = Math.max(longest, displayLength(excelValue(row[i], column.type, quiet), column.type));
    return clampWidth(longest);
  });
}

/** Widths from what the source measured of every value the export holds (exact). */
export function widthsFromExtents(columns: readonly ExportColumn[], extents: readonly ColumnExtent[]): number[] {
  return columns.map((column, i) => {
    const extent = extents[i];
    let longest = textLength(column.header);
    if (extent?.hasValues) {
      const numeric = column.type === "number" || column.type === "integer";
      if (numeric && extent.min !== null && extent.max !== null) {
        longest = Math.max(longest, displayLength(extent.min, column.type), displayLength(extent.max, column.type));
      } else if (extent.chars !== null) {
        longest = Math.max(longest, extent.chars);
      } else if (column.type === "date" || column.type === "datetime") {
        longest = Math.max(longest, column.type === "date" ? 10 : 19);
      } else if (column.type === "boolean") {
        longest = Math.max(longest, 5);
      }
    }
    return clampWidth(longest);
  });
}

// ---- The sheet ----------------------------------------------------------------------

/** Points a line of the default font takes, and the most lines a row is made tall for. */
const LINE_HEIGHT = 15;
const MAX_ROW_LINES = 10;

/** The lines of a cell's text: its line breaks (raw LF only ever stands for one) plus one. */
export function lineCount(cellXml: string): number {
  let lines = 1;
  for (let at = cellXml.indexOf("\n"); at >= 0; at = cellXml.indexOf("\n", at + 1)) lines++;
  return lines;
}

/**
 * A row's start tag. A row whose text has several lines is made tall enough for them (up
 * to MAX_ROW_LINES): neither Excel nor LibreOffice fits a streamed row's height to wrapped
 * text when it opens the file.
 */
export function rowOpenTag(number: string, lines: number): string {
  if (lines <= 1) return `<row r="${number}">`;
  return `<row r="${number}" ht="${Math.min(lines, MAX_ROW_LINES) * LINE_HEIGHT}" customHeight="1">`;
}

function colsElement(widths: readonly number[]): string {
  if (widths.length === 0) return "";
  const cols = widths.map((width, i) => `<col min="${i + 1}" max="${i + 1}" width="${width}" customWidth="1"/>`);
  return `<cols>${cols.join("")}</cols>`;
}

function sheetViews(frozenHeader: boolean, selected: boolean): string {
  const tab = selected ? ' tabSelected="1"' : "";
  const pane = frozenHeader
    ? '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    : "";
  return `<sheetViews><sheetView workbookViewId="0"${tab}>${pane}</sheetView></sheetViews>`;
}

const SHEET_TAIL =
  '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>';

export type SheetOptions = {
  columns: readonly ExportColumn[];
  /** One per column (lib/export/warnings.ts); `current.row` is set before each row. */
  valueOptions: ReadonlyArray<Required<ValueOptions>>;
  current: { row: number };
};

/** A data sheet: header, rows as they come, and the autofilter over what was written. */
export class DataSheet {
  /** Per column: its letters, its encoder, its styles (./xlsx-copy.ts writes the same cells). */
  readonly letters: string[];
  readonly encoders: Encoder[];
  readonly styles: Styles[];
  /** The styles of text that is not formula-like. */
  readonly generalStyles = GENERAL;
  /** Data rows written to this sheet so far. */
  rows = 0;
  private buffer = Buffer.allocUnsafe(1024 * 1024);

  constructor(readonly options: SheetOptions) {
    if (options.columns.length > EXCEL_MAX_COLUMNS)
      throw new RangeError(`Excel has at most ${EXCEL_MAX_COLUMNS} columns, not ${options.columns.length}`);
    this.letters = options.columns.map((_, i) => columnLetters(i));
    this.encoders = options.columns.map((column, i) => encoder(column.type, options.valueOptions[i]!));
    this.styles = options.columns.map((column) => NUMERIC_STYLES[column.type] ?? GENERAL);
  }

  /** Everything before the first data row: its rows may be written before it is known. */
  head(selected: boolean, widths: readonly number[]): string {
    const { columns } = this.options;
    const header = columns.map((column, i) => {
      const text = cellText(column.header, this.options.valueOptions[i]!.warn);
      const style = startsFormula(text) ? STYLE.headerText : STYLE.header;
      return `<c r="${this.letters[i]}1" s="${style}" t="inlineStr"><is>${textElement(text)}</is></c>`;
    });
    return (
      SHEET_HEAD +
      sheetViews(columns.length > 0, selected) +
      '<sheetFormatPr defaultRowHeight="15"/>' +
      colsElement(widths) +
      `<sheetData><row r="1">${header.join("")}</row>`
    );
  }

  /**
   * Rows from `from` (an index into `batch`) while the sheet has room: their XML and how
   * many were taken. `exportRow` is the 1-based position of batch[from] in the export.
   */
  write(batch: readonly ExportRow[], from: number, room: number, exportRow: number): { xml: Buffer; taken: number } {
    const { encoders, letters } = this;
    const width = encoders.length;
    const end = Math.min(batch.length, from + room);
    const { current } = this.options;
    // Each row's text goes into one buffer as soon as it is made: a batch held as one
    // string would be a rope of a quarter of a million pieces, all kept until the end of
    // the batch, and the garbage collector would spend more time on it than the writing.
    let out = this.buffer;
    let length = 0;
    for (let r = from; r < end; r++) {
      const row = batch[r]!;
      const sheetRow = this.rows + 2;
      const number = String(sheetRow);
      const even = (sheetRow & 1) === 0 ? 1 : 0;
      current.row = exportRow + (r - from);
      let cells = "";
      let lines = 1;
      for (let c = 0; c < width; c++) {
        const cell = encoders[c]!(row[c], letters[c] + number, even);
        if (cell.includes("\n")) lines = Math.max(lines, lineCount(cell));
        cells += cell;
      }
      const xml = cells === "" ? `<row r="${number}"/>` : `${rowOpenTag(number, lines)}${cells}</row>`;
      if (length + xml.length * 3 > out.length) {
        const grown = Buffer.allocUnsafe(Math.max(out.length * 2, length + xml.length * 3));
        out.copy(grown, 0, 0, length);
        out = grown;
      }
      length += out.write(xml, length);
      this.rows += 1;
    }
    // Handed over as it is (the zip compresses it later); the next batch writes into a new one.
    this.buffer = Buffer.allocUnsafe(out.length);
    return { xml: out.subarray(0, length), taken: end - from };
  }

  /** The autofilter's range: the header and every row written. */
  filterRange(): string | null {
    const { columns } = this.options;
    if (columns.length === 0) return null;
    return `A1:${this.letters[columns.length - 1]}${this.rows + 1}`;
  }

  tail(): string {
    const range = this.filterRange();
    return `</sheetData>${range ? `<autoFilter ref="${range}"/>` : ""}${SHEET_TAIL}`;
  }
}

/** The "Export info" sheet: bold keys, their values; a count as a number, text kept as text. */
export function infoSheetXml(entries: ReadonlyArray<readonly [string, string | number]>): string {
  const warn = () => {};
  const keyWidth = clampWidth(Math.max(...entries.map(([key]) => textLength(key))));
  const valueWidth = clampWidth(
    Math.max(
      ...entries.map(([, value]) => (typeof value === "number" ? wholeNumber.format(value).length : textLength(value))),
    ),
  );
  const rows = entries.map(([key, value], i) => {
    const n = i + 1;
    const keyCell = `<c r="A${n}" s="${STYLE.infoKey}" t="inlineStr"><is>${textElement(cellText(key, warn))}</is></c>`;
    const valueCell =
      typeof value === "number"
        ? numberCell(`B${n}`, STYLE.integer, String(value))
        : textCell(`B${n}`, cellText(value, warn), 0);
    return `<row r="${n}">${keyCell}${valueCell}</row>`;
  });
  return (
    SHEET_HEAD +
    sheetViews(false, false) +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    colsElement([keyWidth, valueWidth]) +
    `<sheetData>${rows.join("")}</sheetData>${SHEET_TAIL}`
  );
}
