// Formula injection, in one place for every spreadsheet-bound format (CSV and Excel).
// A spreadsheet runs a cell as a formula when its text starts with `=`, `+`, `-` or `@`
// — and some do so after trimming leading spaces, after dropping invisible characters,
// or after folding full-width forms (`＝＋－＠`) to their ASCII twins. So a text is a
// threat when its first character that is not blank or invisible is one of those, or
// when it starts with a tab, CR or LF. Such a text gets a leading apostrophe, which every
// spreadsheet shows as text.
//
// CSV has one more way in: a file written with `,` may be opened with `;`, tab or `|` as
// the separator, and then `a;=1+1` becomes two cells, the second a formula. So in CSV
// every piece of a text that follows one of those separators (or a line break) is held
// to the same rule, and a field holding any of them is quoted whatever the delimiter.
//
// Numbers are never text here: a numeric column's `-12.5` is written as it is.

/** `=` `+` `-` `@`, their full-width and small forms, and the minus sign. */
const TRIGGER = /[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B\u2212]/u;

/**
 * What a spreadsheet may skip before it looks for a formula: white space of every kind
 * (incl. NBSP, U+3000, line and paragraph separators), control and format characters
 * (zero-width space and joiners, bidi marks and isolates, BOM, soft hyphen), invisible
 * fillers and variation selectors — and quotes, which a parser that lost its place
 * drops.
 */
const SKIPPABLE = /[\s\p{Cc}\p{Cf}\p{Z}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180F\u2800\u3164\uFE00-\uFE0F\uFFA0"]*/uy;

/** Characters that make a CSV field quoted, whatever the file's delimiter. */
export const CSV_QUOTE_TRIGGERS = /[,;\t|"\r\n]/;

/** Where the first character a spreadsheet would not skip is, from `index` on. */
function skipFrom(text: string, index: number): number {
  // The common cases without a regular expression: plain spaces, then a letter or digit.
  let at = index;
  while (text.charCodeAt(at) === 0x20) at++;
  if (at >= text.length) return at;
  const c = text.charCodeAt(at);
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return at;
  SKIPPABLE.lastIndex = at;
  return SKIPPABLE.exec(text) ? SKIPPABLE.lastIndex : at;
}

function startsControl(text: string, index: number): boolean {
  const first = text.charCodeAt(index);
  return first === 0x09 || first === 0x0d || first === 0x0a;
}

function triggerAt(text: string, at: number): boolean {
  return at < text.length && TRIGGER.test(String.fromCodePoint(text.codePointAt(at) as number));
}

/** Whether the text from `index` on could be read as a formula. */
function formulaAt(text: string, index: number): boolean {
  return startsControl(text, index) || triggerAt(text, skipFrom(text, index));
}

/** Whether a spreadsheet could read this text as a formula. */
export function startsFormula(text: string): boolean {
  return formulaAt(text, 0);
}

/** A text that could run as a formula, with a leading apostrophe; any other text as it is. */
export function neutralizeFormula(text: string): string {
  return formulaAt(text, 0) ? `'${text}` : text;
}

/**
 * CSV text: neutralised at its start and after every likely separator or line break, so
 * that no cell a spreadsheet could cut it into starts a formula.
 */
export function neutralizeCsvText(text: string): string {
  let out = formulaAt(text, 0) ? "'" : "";
  let from = 0;
  // The last run of skippable characters scanned, and whether a trigger ends it: a piece
  // starting inside that run skips to the same place, so a long run of blanks and tabs
  // (each tab a separator) is scanned once, not once per tab.
  let runEnd = -1;
  let runTriggers = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // , ; tab | CR LF (a CRLF is one break)
    if (c !== 0x2c && c !== 0x3b && c !== 0x09 && c !== 0x7c && c !== 0x0d && c !== 0x0a) continue;
    const next = c === 0x0d && text.charCodeAt(i + 1) === 0x0a ? i + 2 : i + 1;
    let formula = startsControl(text, next);
    if (!formula) {
      if (next > runEnd) {
        runEnd = skipFrom(text, next);
        runTriggers = triggerAt(text, runEnd);
      }
      formula = runTriggers;
    }
    if (formula) {
      out += `${text.slice(from, next)}'`;
      from = next;
    }
    i = next - 1;
  }
  return from === 0 ? out + text : out + text.slice(from);
}
