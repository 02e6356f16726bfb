// Fits a table cell's text into its lines without react-pdf's text engine (which costs
// about 1 ms a cell): each character takes the first font of the stack that has it; lines
// break at spaces, after hyphens and between CJK characters; a word too long for the cell
// breaks after an "@", ".", "_" or "/" when the rest then fits, else between any two
// characters; text past the last line ends it in an ellipsis.

/** What line fitting needs of a font: coverage and advances in 1/1000 em. */
export type FaceMetrics = {
  has(codePoint: number): boolean;
  advance(codePoint: number): number;
};

/** A run of characters set in one font. */
export type Piece = { face: number; text: string; width: number };
export type Line = { pieces: Piece[]; width: number };

export const ELLIPSIS = "\u2026";
const SPACE = 32;
const NEWLINE = 10;

/** Chinese, Japanese and Korean characters: a line may break before or after any of them. */
export function isWide(cp: number): boolean {
  return (
    (cp >= 0x2e80 && cp <= 0x9fff) ||
    (cp >= 0xac00 && cp <= 0xd7af) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xff00 && cp <= 0xffef) ||
    (cp >= 0x20000 && cp <= 0x3ffff)
  );
}

/** Where a word too long for its line breaks first: after the parts of an e-mail, a path, a name. */
const SOFT_BREAK_AFTER = new Set([..."@._/\\"].map((c) => c.codePointAt(0) as number));

/** Punctuation that must not start a line (a break before it is not taken). */
const NO_BREAK_BEFORE = new Set(
  [..."、。，．・：；！？）」』】〕〉》’”,.;:!?)]}%"].map((c) => c.codePointAt(0) as number),
);

/**
 * A font stack: for each character, the first face that has it. When none does, the first
 * fallback face draws its missing-glyph box, so the character never silently vanishes.
 */
export class FontStack<F extends FaceMetrics = FaceMetrics> {
  private readonly choice = new Map<number, number>();
  private readonly advances = new Map<number, number>();

  constructor(readonly faces: readonly F[]) {}

  faceOf(cp: number): number {
    let face = this.choice.get(cp);
    if (face === undefined) {
      face = this.faces.findIndex((f) => f.has(cp));
      if (face < 0) face = this.faces.length > 1 ? 1 : 0;
      this.choice.set(cp, face);
    }
    return face;
  }

  /** The advance of a character in its face, in 1/1000 em. */
  advanceOf(cp: number): number {
    let advance = this.advances.get(cp);
    if (advance === undefined) {
      advance = (this.faces[this.faceOf(cp)] as F).advance(cp);
      this.advances.set(cp, advance);
    }
    return advance;
  }
}

/** The width of `text` set on one line (its longest line when it has several), in points. */
export function textWidth(text: string, size: number, stack: FontStack<FaceMetrics>): number {
  let longest = 0;
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp === NEWLINE) {
      longest = Math.max(longest, width);
      width = 0;
    } else {
      width += stack.advanceOf(cp === 9 || cp === 13 ? SPACE : cp);
    }
  }
  return (Math.max(longest, width) * size) / 1000;
}

/**
 * Splits `text` into at most `maxLines` lines no wider than `maxWidth` points at `size`.
 * Tabs and carriage returns count as spaces; a newline starts a new line.
 */
export function fitLines(
  text: string,
  width: number,
  maxLines: number,
  size: number,
  stack: FontStack<FaceMetrics>,
): Line[] {
  return fit(text, width, maxLines, size, stack).lines;
}

/** Whether `text` fits in `maxLines` lines of `width` points whole, with no ellipsis. */
export function fitsIn(
  text: string,
  width: number,
  maxLines: number,
  size: number,
  stack: FontStack<FaceMetrics>,
): boolean {
  return !fit(text, width, maxLines, size, stack).truncated;
}

function fit(
  text: string,
  width: number,
  maxLines: number,
  size: number,
  stack: FontStack<FaceMetrics>,
): { lines: Line[]; truncated: boolean } {
  const scale = size / 1000;
  // A hair of tolerance: a column sized to its text's measured width must hold that text,
  // whatever order the advances were summed in.
  const maxWidth = width + 0.001;
  const cps: number[] = [];
  const widths: number[] = [];
  /** before[k]: the width of the characters before k. */
  const before: number[] = [0];
  let total = 0;
  let simple = true;
  for (const ch of text) {
    let cp = ch.codePointAt(0) as number;
    if (cp === 9 || cp === 13) cp = SPACE;
    if (cp === NEWLINE) simple = false;
    cps.push(cp);
    const w = cp === NEWLINE ? 0 : stack.advanceOf(cp) * scale;
    widths.push(w);
    total += w;
    before.push(total);
  }
  const n = cps.length;
  if (simple && total <= maxWidth) {
    const trimmed = trimRange(cps, 0, n);
    return {
      lines: trimmed[1] > trimmed[0] ? [line(cps, widths, trimmed[0], trimmed[1], stack)] : [],
      truncated: false,
    };
  }

  const ranges: [number, number][] = [];
  let start = 0;
  while (start < n && ranges.length < maxLines) {
    while (start < n && cps[start] === SPACE) start++;
    if (start >= n) break;
    let width = 0;
    let lastBreak = -1;
    let lastSoft = -1;
    let i = start;
    let end = -1;
    for (; i < n; i++) {
      const cp = cps[i] as number;
      if (cp === NEWLINE) break;
      if (cp !== SPACE && i > start && width + (widths[i] as number) > maxWidth) {
        // A soft break only when what follows then fits the lines left; else fill the line.
        const softFits =
          lastSoft > start && total - (before[lastSoft] as number) <= (maxLines - ranges.length - 1) * maxWidth;
        end = lastBreak > start ? lastBreak : softFits ? lastSoft : i;
        break;
      }
      width += widths[i] as number;
      if (i + 1 < n && canBreakAfter(cps, i)) lastBreak = i + 1;
      else if (SOFT_BREAK_AFTER.has(cp)) lastSoft = i + 1;
    }
    if (end < 0) end = i;
    ranges.push(trimRange(cps, start, end));
    start = end < n && cps[end] === NEWLINE ? end + 1 : end;
  }
  const rest = trimRange(cps, start, n);
  const lines = ranges.filter(([a, b]) => b > a).map(([a, b]) => line(cps, widths, a, b, stack));
  const truncated = rest[1] > rest[0] && ranges.length > 0;
  if (truncated) {
    const [a, b0] = ranges[ranges.length - 1] as [number, number];
    const ellipsis = stack.advanceOf(0x2026) * scale;
    let b = b0;
    let width = 0;
    for (let k = a; k < b; k++) width += widths[k] as number;
    while (b > a && width + ellipsis > maxWidth) width -= widths[--b] as number;
    while (b > a && cps[b - 1] === SPACE) b--;
    const last = b > a ? line(cps, widths, a, b, stack) : { pieces: [], width: 0 };
    const face = stack.faceOf(0x2026);
    const tail = last.pieces[last.pieces.length - 1];
    if (tail && tail.face === face) {
      tail.text += ELLIPSIS;
      tail.width += ellipsis;
    } else {
      last.pieces.push({ face, text: ELLIPSIS, width: ellipsis });
    }
    last.width += ellipsis;
    lines[lines.length - 1] = last;
  }
  return { lines, truncated };
}

function canBreakAfter(cps: readonly number[], i: number): boolean {
  const cp = cps[i] as number;
  const next = cps[i + 1] as number;
  if (NO_BREAK_BEFORE.has(next)) return false;
  if (cp === SPACE) return true;
  if (isWide(cp) || isWide(next)) return next !== SPACE;
  // After a hyphen or slash inside a word: "2024-03-01" may break as "2024-" / "03-01".
  return (cp === 45 || cp === 47) && next !== SPACE && i > 0 && cps[i - 1] !== SPACE;
}

function trimRange(cps: readonly number[], a: number, b: number): [number, number] {
  while (a < b && cps[a] === SPACE) a++;
  while (b > a && cps[b - 1] === SPACE) b--;
  return [a, b];
}

function line(
  cps: readonly number[],
  widths: readonly number[],
  a: number,
  b: number,
  stack: FontStack<FaceMetrics>,
): Line {
  const pieces: Piece[] = [];
  let width = 0;
  let current: Piece | null = null;
  for (let k = a; k < b; k++) {
    const cp = cps[k] as number;
    const face = stack.faceOf(cp);
    const w = widths[k] as number;
    if (!current || current.face !== face) {
      current = { face, text: "", width: 0 };
      pieces.push(current);
    }
    current.text += String.fromCodePoint(cp);
    current.width += w;
    width += w;
  }
  return { pieces, width };
}
