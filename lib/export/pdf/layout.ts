// The report's geometry, decided before anything is drawn: page size, the table's rows
// per page (and its column widths, once the first page's values are measured), and which summary blocks go on which page. Every row has the
// same height (cells are cut to MAX_LINES lines), so the page count is known from the
// record count alone — "Page X of Y" is written as each page is laid out, and react-pdf
// never has to wrap a long table (measured 30× slower than laying out pages ourselves).
import type { ColumnType } from "../types";

export type PageGeometry = {
  width: number;
  height: number;
  margin: number;
  contentWidth: number;
  /** Height of the page's body: between the header (and the gap below it) and the footer. */
  bodyHeight: number;
};

const A4 = { short: 595.28, long: 841.89 };
export const MARGIN = 28;
export const HEADER_HEIGHT = 40;
export const FOOTER_HEIGHT = 30;
/** Space between the header's rule and the body. */
export const BODY_GAP = 8;

export function pageGeometry(landscape: boolean): PageGeometry {
  const width = landscape ? A4.long : A4.short;
  const height = landscape ? A4.short : A4.long;
  return {
    width,
    height,
    margin: MARGIN,
    contentWidth: width - 2 * MARGIN,
    bodyHeight: height - 2 * MARGIN - HEADER_HEIGHT - BODY_GAP - FOOTER_HEIGHT,
  };
}

// ── The data table ──────────────────────────────────────────────────────────────────

export const TABLE_FONT_SIZE = 7;
export const TABLE_LINE_HEIGHT = 8.6;
export const CELL_PADDING_X = 3;
export const CELL_PADDING_Y = 2.5;
export const BORDER = 1;
/** Long text is cut to this many lines, ending in an ellipsis. */
export const MAX_LINES = 2;

/** Narrowest column: a number like 1,234,567 at 7 pt. */
const MIN_COLUMN_WIDTH = 34;
/** A header word wider than this wraps between its characters rather than widen its column further. */
const MAX_FLOOR_WIDTH = 90;

/** The table's rows: known from the column types alone, before any value is seen. */
export type TableGrid = {
  /** Lines per body row: MAX_LINES when a column holds free text, else 1. */
  lines: number;
  rowHeight: number;
  headerHeight: number;
  rowsPerPage: number;
};

/** The grid with its column widths, fitted to the values (fitColumnWidths). */
export type TableLayout = TableGrid & { widths: number[] };

export function isNumericType(type: ColumnType): boolean {
  return type === "integer" || type === "number";
}

export function tableGrid(columns: readonly { type: ColumnType }[], page: PageGeometry): TableGrid {
  const lines = columns.some((c) => c.type === "string" || c.type === "json") ? MAX_LINES : 1;
  const rowHeight = lines * TABLE_LINE_HEIGHT + 2 * CELL_PADDING_Y + BORDER;
  const headerHeight = MAX_LINES * TABLE_LINE_HEIGHT + 2 * CELL_PADDING_Y + BORDER;
  const rowsPerPage = Math.max(1, Math.floor((page.bodyHeight - headerHeight - BORDER) / rowHeight));
  return { lines, rowHeight, headerHeight, rowsPerPage };
}

/** What a column needs, measured: its values on one line, its header's longest word, and whether its values should keep to one line. */
export type ColumnNeed = {
  width: number;
  /** The header's longest word: the column's floor (when the page can hold every floor). */
  word: number;
  /** Short values that read badly broken (identifiers, numbers, dates): sized first. */
  keep: boolean;
};

/**
 * The grid with widths fitted to what its columns hold (measured on the first page's
 * rows). When the page has room for every column's natural width, each gets it and the
 * spare is shared out in proportion. Otherwise the columns that keep to one line get their
 * width first, and the columns of free text share the rest equally (none below its
 * floor); when even that does not fit, all columns share the page that way.
 */
export function fitColumnWidths(grid: TableGrid, needs: readonly ColumnNeed[], page: PageGeometry): TableLayout {
  const total = page.contentWidth;
  const pad = 2 * CELL_PADDING_X + BORDER;
  const least = needs.map((need) => Math.max(MIN_COLUMN_WIDTH, Math.min(MAX_FLOOR_WIDTH, need.word + pad)));
  const leastTotal = least.reduce((a, b) => a + b, 0);
  // Too many columns for every floor: the floors shrink in proportion to fit the page.
  const floors = leastTotal <= total ? least : least.map((f) => (f / leastTotal) * total);
  const want = needs.map((need, i) => Math.max(floors[i] as number, need.width + pad));
  const wanted = want.reduce((a, b) => a + b, 0);
  if (wanted <= total) return { ...grid, widths: want.map((w) => w + ((total - wanted) * w) / wanted) };

  const kept = needs.map((need) => need.keep);
  const keptWidth = want.reduce((sum, w, i) => sum + (kept[i] ? w : 0), 0);
  const freeFloors = floors.reduce((sum, f, i) => sum + (kept[i] ? 0 : f), 0);
  const widths = [...want];
  const free = want.map((_, i) => i).filter((i) => !kept[i]);
  if (free.length > 0 && keptWidth + freeFloors <= total) shareOut(free, total - keptWidth, want, floors, widths);
  else
    shareOut(
      want.map((_, i) => i),
      total,
      want,
      floors,
      widths,
    );
  return { ...grid, widths };
}

/**
 * Shares `room` among the columns `of` like water poured to a level: each gets the level,
 * held between its floor and what it wants. The sum grows with the level, from the
 * floors' (which fit) to the wants' (which do not), so the level that fills the room is
 * found by bisection.
 */
function shareOut(
  of: readonly number[],
  room: number,
  want: readonly number[],
  floors: readonly number[],
  widths: number[],
): void {
  const at = (level: number, i: number) => Math.min(want[i] as number, Math.max(floors[i] as number, level));
  const sum = (level: number) => of.reduce((acc, i) => acc + at(level, i), 0);
  let low = 0;
  let high = Math.max(...of.map((i) => want[i] as number));
  for (let step = 0; step < 60; step++) {
    const mid = (low + high) / 2;
    if (sum(mid) > room) high = mid;
    else low = mid;
  }
  for (const i of of) widths[i] = at(low, i);
}

/** Pages the table takes: at least one (it then says there are no records). */
export function tablePageCount(records: number, grid: TableGrid): number {
  return Math.max(1, Math.ceil(records / grid.rowsPerPage));
}

// ── Summary pages ───────────────────────────────────────────────────────────────────

export const INFO_HEIGHT = 112;
export const STATS_TITLE_HEIGHT = 22;
export const STATS_ROW_HEIGHT = 14;
export const CHARTS_HEIGHT = 236;
export const IMAGE_TITLE_HEIGHT = 20;
const BLOCK_GAP = 14;

export type SummaryBlock =
  | { kind: "info" }
  | { kind: "stats"; from: number; to: number; continued: boolean }
  | { kind: "charts" }
  | { kind: "image"; index: number; height: number };

export type ImageSize = { width: number; height: number };

/** The box an image is drawn in: the page width, at most half the body high, aspect kept. */
export function imageBox(image: ImageSize, page: PageGeometry): { width: number; height: number } {
  const maxHeight = page.bodyHeight / 2 - IMAGE_TITLE_HEIGHT - BLOCK_GAP;
  const scale = Math.min(page.contentWidth / image.width, maxHeight / image.height, 1.5);
  return { width: image.width * scale, height: image.height * scale };
}

/**
 * The summary's blocks, packed onto pages in order: the info block, the numeric-column
 * statistics (split across pages with their heading repeated when they are many), the
 * server's charts, then the browser's chart images.
 */
export function summaryPages(
  input: { numericColumns: number; charts: boolean; images: readonly ImageSize[] },
  page: PageGeometry,
): SummaryBlock[][] {
  const pages: SummaryBlock[][] = [[{ kind: "info" }]];
  let used = INFO_HEIGHT;
  const place = (block: SummaryBlock, height: number) => {
    if (used + BLOCK_GAP + height > page.bodyHeight) {
      pages.push([]);
      used = 0;
    } else if (used > 0) {
      used += BLOCK_GAP;
    }
    pages[pages.length - 1]?.push(block);
    used += height;
  };

  let next = 0;
  while (next < input.numericColumns) {
    const room = page.bodyHeight - used - (used > 0 ? BLOCK_GAP : 0) - STATS_TITLE_HEIGHT;
    let fit = Math.floor(room / STATS_ROW_HEIGHT);
    if (fit < Math.min(3, input.numericColumns - next)) {
      pages.push([]);
      used = 0;
      fit = Math.floor((page.bodyHeight - STATS_TITLE_HEIGHT) / STATS_ROW_HEIGHT);
    }
    const to = Math.min(input.numericColumns, next + fit);
    place({ kind: "stats", from: next, to, continued: next > 0 }, STATS_TITLE_HEIGHT + (to - next) * STATS_ROW_HEIGHT);
    next = to;
  }
  if (input.charts) place({ kind: "charts" }, CHARTS_HEIGHT);
  input.images.forEach((image, index) => {
    const box = imageBox(image, page);
    place({ kind: "image", index, height: box.height }, IMAGE_TITLE_HEIGHT + box.height);
  });
  return pages;
}
