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

/** Separators a CSV file is likely to be opened with, and line breaks. */
const SEPARATORS = /[,;\t|\r\n]/;
const SEPARATORS_G = /\r\n|[,;\t|\r\n]/g;

/** Characters that make a CSV field quoted, whatever the file's delimiter. */
export const CSV_QUOTE_TRIGGERS = /[,;\t|"\r\n]/;

/** Whether the text from `index` on could be read as a formula. */
function formulaAt(text: string, index: number): boolean {
  if (index >= text.length) return false;
  const first = text.charCodeAt(index);
  // The common case first: a letter or digit, which is no trigger.
  if ((first >= 0x30 && first <= 0x39) || (first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a))
    return false;
  if (first === 0x09 || first === 0x0d || first === 0x0a) return true;
  SKIPPABLE.lastIndex = index;
  const after = SKIPPABLE.exec(text) ? SKIPPABLE.lastIndex : index;
  return after < text.length && TRIGGER.test(String.fromCodePoint(text.codePointAt(after) as number));
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
  const start = neutralizeFormula(text);
  if (!SEPARATORS.test(text)) return start;
  return start.replace(SEPARATORS_G, (separator: string, offset: number) =>
    formulaAt(start, offset + separator.length) ? `${separator}'` : separator,
  );
}
