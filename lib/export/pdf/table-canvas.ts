// Draws one page of the data table as PDF operators: fills, one grid path, and the cell
// texts in a single text object. react-pdf would make each cell a node with its own yoga
// layout, text shaping, line breaking and save/restore (about 1 ms a cell: 5,000 rows took
// 9–14 s); here a cell is a few operators after ./cell-lines.ts has fitted its lines.
// The page around the table (header, footer) is still react-pdf's: the table is drawn in
// a <Canvas> box (see ./render.ts), whose coordinates run from its top left corner downward.
import { fitLines, fitsIn, textWidth, type FaceMetrics, type FontStack, type Line } from "./cell-lines";
import {
  BORDER,
  CELL_PADDING_X,
  CELL_PADDING_Y,
  MAX_LINES,
  TABLE_FONT_SIZE,
  TABLE_LINE_HEIGHT,
  isNumericType,
  type ColumnNeed,
  type TableGrid,
  type TableLayout,
} from "./layout";
import { HEADER_FILL, INK, MUTED, RULE, WHITE, ZEBRA_FILL } from "./theme";
import type { ColumnType } from "../types";

/** A font as the painter writes it: its resource name on the page and its glyph codes. */
export type PdfFace = FaceMetrics & {
  /** The font's resource name, e.g. "F3". */
  readonly id: string;
  /** The text as a hex string of glyph codes (embedding the glyphs it uses). */
  encode(text: string): string;
  /** The font's PDF object, for the page's resources. */
  ref(): unknown;
};

/** Where the painter writes: the page's content stream and its font resources. */
export type TableCanvas = {
  addContent(operators: string): void;
  /** Makes the font available on the current page. */
  useFont(face: PdfFace): void;
};

export type TableFonts = { regular: FontStack<PdfFace>; bold: FontStack<PdfFace> };

export type TableColumn = { header: string; type: ColumnType };

export type TablePage = {
  columns: readonly TableColumn[];
  table: TableLayout;
  rows: readonly (readonly string[])[];
  /** 0-based position of the first row in the export: zebra stripes continue across pages. */
  firstRow: number;
  noRecords: string;
};

// Helvetica's ascent and descent (its AFM): lines share this baseline whatever font a run uses.
const ASCENT = 0.718;
const DESCENT = 0.207;
const BASELINE = (TABLE_LINE_HEIGHT - (ASCENT + DESCENT) * TABLE_FONT_SIZE) / 2 + ASCENT * TABLE_FONT_SIZE;
const EMPTY_PADDING = 8;

/** The table's height on the page for this many rows (the empty table has a message row). */
export function tableHeight(grid: TableGrid, rows: number): number {
  return BORDER + grid.headerHeight + (rows > 0 ? rows * grid.rowHeight : emptyRowHeight());
}

/** The table's width: its columns plus the left border. */
export function tableWidth(table: TableLayout): number {
  return table.widths.reduce((sum, w) => sum + w, BORDER);
}

function emptyRowHeight(): number {
  return 2 * EMPTY_PADDING + TABLE_LINE_HEIGHT + BORDER;
}

/** Free text is sized for nine values in ten on one line, so one long note does not take the page. */
const FREE_TEXT_SHARE = 0.9;
/** A text column keeps to one line when its values are single words up to this wide (ids, codes, names). */
const KEEP_MAX_WIDTH = 90;
const WHITESPACE = /\s/;

/**
 * The header's longest word, and the narrowest width that shows the header whole in its
 * lines (found in 1 pt steps from the whole header's width divided among the lines).
 */
function headerWidths(header: string, bold: FontStack<PdfFace>): { word: number; whole: number } {
  const word = Math.max(0, ...header.split(/\s+/).map((part) => textWidth(part, TABLE_FONT_SIZE, bold)));
  const oneLine = textWidth(header, TABLE_FONT_SIZE, bold);
  let width = Math.max(word, oneLine / MAX_LINES);
  while (width < oneLine && !fitsIn(header, width, MAX_LINES, TABLE_FONT_SIZE, bold)) width += 1;
  return { word, whole: Math.min(width, oneLine) };
}

/**
 * What each column needs, for fitColumnWidths: its header whole in bold, and its
 * values on one line (every value of numbers, dates and flags; most values of free text),
 * and whether its values should keep to one line.
 */
export function columnNeeds(
  columns: readonly TableColumn[],
  rows: readonly (readonly string[])[],
  fonts: TableFonts,
): ColumnNeed[] {
  return columns.map((column, c) => {
    const header = headerWidths(column.header, fonts.bold);
    const texts = rows.map((row) => row[c] ?? "");
    const values = texts.map((text) => textWidth(text, TABLE_FONT_SIZE, fonts.regular)).sort((a, b) => a - b);
    const isText = column.type === "string" || column.type === "json";
    const value =
      values.length === 0
        ? 0
        : (values[isText ? Math.floor(FREE_TEXT_SHARE * (values.length - 1)) : values.length - 1] as number);
    const words = texts.filter((text) => !WHITESPACE.test(text.trim())).length;
    const keep = !isText || (words >= FREE_TEXT_SHARE * texts.length && value <= KEEP_MAX_WIDTH);
    return { width: Math.max(header.whole, value), word: header.word, keep };
  });
}

const num = (n: number): string => String(Math.round(n * 100) / 100);

function rgb(hex: string): string {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((c) => num(c / 255)).join(" ");
}

const COLOURS = {
  ink: rgb(INK),
  muted: rgb(MUTED),
  rule: rgb(RULE),
  header: rgb(HEADER_FILL),
  zebra: rgb(ZEBRA_FILL),
  white: rgb(WHITE),
};

/** Writes text operators, switching fonts only when a run needs another. */
class TextWriter {
  private readonly ops: string[] = ["BT"];
  private font = "";
  private readonly used = new Set<PdfFace>();

  colour(rgbText: string): void {
    this.ops.push(`${rgbText} rg`);
  }

  line(stack: FontStack<PdfFace>, line: Line, x: number, baseline: number): void {
    let cursor = x;
    for (const piece of line.pieces) {
      const face = stack.faces[piece.face] as PdfFace;
      if (face.id !== this.font) {
        this.font = face.id;
        this.used.add(face);
        this.ops.push(`/${face.id} ${TABLE_FONT_SIZE} Tf`);
      }
      // Tm's -1 turns the text upright in the canvas's downward coordinates.
      this.ops.push(`1 0 0 -1 ${num(cursor)} ${num(baseline)} Tm <${face.encode(piece.text)}> Tj`);
      cursor += piece.width;
    }
  }

  finish(canvas: TableCanvas): string {
    for (const face of this.used) canvas.useFont(face);
    this.ops.push("ET");
    return this.ops.join("\n");
  }
}

/** Draws the table page: header row, rows, grid, texts. */
export function paintTablePage(canvas: TableCanvas, fonts: TableFonts, page: TablePage): void {
  const { columns, table, rows } = page;
  const lefts: number[] = [];
  let x = BORDER;
  for (const w of table.widths) {
    lefts.push(x);
    x += w;
  }
  const width = x;
  const bodyTop = BORDER + table.headerHeight;
  const height = tableHeight(table, rows.length);
  const ops: string[] = ["q"];

  // Fills: the dark header, then every other row.
  ops.push(`${COLOURS.header} rg 0 0 ${num(width)} ${num(bodyTop)} re f`);
  const stripes: string[] = [];
  for (let r = 0; r < rows.length; r++) {
    if ((page.firstRow + r) % 2 === 1)
      stripes.push(`0 ${num(bodyTop + r * table.rowHeight)} ${num(width)} ${num(table.rowHeight)} re`);
  }
  if (stripes.length > 0) ops.push(`${COLOURS.zebra} rg`, ...stripes, "f");

  // The grid as one path of 1 pt lines, centred on each border's own point of width.
  const half = BORDER / 2;
  const grid: string[] = [`${COLOURS.rule} RG ${BORDER} w`];
  grid.push(`0 ${half} m ${num(width)} ${half} l`, `${half} 0 m ${half} ${num(height)} l`);
  for (let c = 0; c < lefts.length; c++) {
    const right = (lefts[c] as number) + (table.widths[c] as number) - half;
    grid.push(`${num(right)} 0 m ${num(right)} ${num(height)} l`);
  }
  grid.push(`0 ${num(bodyTop - half)} m ${num(width)} ${num(bodyTop - half)} l`);
  const bodyRows = rows.length > 0 ? rows.length : 1;
  const rowHeight = rows.length > 0 ? table.rowHeight : emptyRowHeight();
  for (let r = 1; r <= bodyRows; r++) {
    const y = bodyTop + r * rowHeight - half;
    grid.push(`0 ${num(y)} m ${num(width)} ${num(y)} l`);
  }
  grid.push("S");

  const text = new TextWriter();
  const cell = (stack: FontStack<PdfFace>, value: string, c: number, top: number, lines: number) => {
    const inner = (table.widths[c] as number) - 2 * CELL_PADDING_X - BORDER;
    if (value === "") return;
    const right = isNumericType(columns[c]?.type ?? "string");
    const fitted = fitLines(value, inner, lines, TABLE_FONT_SIZE, stack);
    for (let k = 0; k < fitted.length; k++) {
      const line = fitted[k] as Line;
      const left = (lefts[c] as number) + CELL_PADDING_X;
      text.line(
        stack,
        line,
        right ? left + inner - line.width : left,
        top + CELL_PADDING_Y + k * TABLE_LINE_HEIGHT + BASELINE,
      );
    }
  };

  text.colour(COLOURS.white);
  columns.forEach((column, c) => cell(fonts.bold, column.header, c, BORDER, MAX_LINES));
  if (rows.length === 0) {
    text.colour(COLOURS.muted);
    const line = fitLines(page.noRecords, width - 2 * EMPTY_PADDING, 1, TABLE_FONT_SIZE, fonts.regular)[0];
    if (line) text.line(fonts.regular, line, BORDER + EMPTY_PADDING, bodyTop + EMPTY_PADDING + BASELINE);
  } else {
    text.colour(COLOURS.ink);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as readonly string[];
      const top = bodyTop + r * table.rowHeight;
      for (let c = 0; c < columns.length; c++) cell(fonts.regular, row[c] ?? "", c, top, table.lines);
    }
  }

  ops.push(grid.join("\n"), text.finish(canvas), "Q");
  canvas.addContent(ops.join("\n"));
}
