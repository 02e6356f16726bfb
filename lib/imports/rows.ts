// From a reader's records to the rows of an import, the same way for inspect and for the
// import itself: the first records (up to SAMPLE_ROWS) decide the layout — whether the
// first row is a header, how many columns there are, which keys an object format has and
// in which order — then every record becomes a row of values by column. Inspect stops after
// the sample; readFileRows goes on with the same layout to the end of the file.
import { checkHeaderNames, proposeColumns } from "./columns";
import { hasLeadingZero, inferType, isEmpty } from "./infer-types";
import {
  ImportFileError,
  type ImportLimits,
  type ImportMessage,
  type ProposedColumn,
  type SourceRow,
  type SourceValue,
} from "./types";

/** Rows types are inferred from. */
export const SAMPLE_ROWS = 1000;
/** Rows inspect shows. */
export const SHOWN_ROWS = 20;

/** A record of an object format: the parsed value (an object, or something else that is then a problem). */
export type ObjectRecord = { line: number; value: unknown; problem?: string };

export type Layout = {
  /** The columns' names as the file gives them ("" where it gives none). */
  names: string[];
  /** Object formats: the key of each column. */
  keys?: string[];
};

export function tooManyRows(limits: ImportLimits): ImportFileError {
  return new ImportFileError("import.error.tooManyRows", { limit: limits.maxRows }, { status: 422, field: "file" });
}

function noRows(): ImportFileError {
  return new ImportFileError("import.error.noRows", {}, { status: 422, field: "file" });
}

function headerName(value: SourceValue): string {
  if (value === null) return "";
  if (value instanceof Date) return value.toISOString();
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** The values without trailing empties past `width`, padded to `width`; a row with more non-empty fields keeps them and is a problem. */
export function fitWidth(row: SourceRow, width: number): SourceRow {
  const values = row.values;
  let length = values.length;
  while (length > width && values[length - 1] === null) length--;
  if (length !== values.length) values.length = length;
  while (values.length < width) values.push(null);
  if (length > width && row.problem === undefined) row.problem = `${length} fields, expected ${width}`;
  return row;
}

/**
 * Whether the first row looks like a header: its non-empty values all text (no numbers,
 * dates, booleans), and either some column's data is not text, or — every column being
 * text — its values are all there, distinct, and none comes back in its column below. A
 * first row with empty or repeated names over typed data is still taken for a header, so
 * the file is refused with the names to fix instead of importing its header as a row.
 */
export function looksLikeHeader(first: SourceRow, data: readonly SourceRow[]): { header: boolean; guess: boolean } {
  const names = first.values;
  const seen = new Set<string>();
  let complete = true;
  for (const value of names) {
    if (value === null || (typeof value === "string" && value.trim() === "")) {
      complete = false;
      continue;
    }
    if (typeof value !== "string" || inferType([value]) !== "string" || hasLeadingZero(value))
      return { header: false, guess: false };
    if (seen.has(value.trim())) complete = false;
    seen.add(value.trim());
  }
  if (seen.size === 0) return { header: false, guess: false };
  const typed = names.some((_, index) => inferType(data.map((row) => row.values[index] ?? null)) !== "string");
  if (typed || (data.length === 0 && complete)) return { header: true, guess: false };
  if (!complete) return { header: false, guess: false };
  const repeats = names.some((name, index) => data.some((row) => row.values[index] === name));
  return { header: !repeats, guess: true };
}

/** The layout of a tabular file from its first records (header row included when `header`). */
export function tabularLayout(records: readonly SourceRow[], header: boolean): Layout {
  if (header) {
    if (records.length === 0) throw new ImportFileError("import.error.empty", {}, { status: 422, field: "file" });
    const names = (records[0] as SourceRow).values.map(headerName);
    // A trailing delimiter on every line gives empty names at the end: they are no columns.
    while (names.length > 1 && names.at(-1)?.trim() === "") names.pop();
    checkHeaderNames(names);
    return { names };
  }
  let width = 0;
  for (const record of records) {
    let length = record.values.length;
    while (length > 0 && record.values[length - 1] === null) length--;
    width = Math.max(width, length);
  }
  return { names: new Array<string>(Math.max(width, 1)).fill("") };
}

function describeJson(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : typeof value === "string" ? "a string" : `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The keys of an object format, in the order the first records name them. */
export function objectLayout(records: readonly ObjectRecord[]): Layout {
  const keys = new Set<string>();
  for (const record of records)
    if (record.problem === undefined && isPlainObject(record.value))
      for (const key of Object.keys(record.value)) keys.add(key);
  return { names: [...keys], keys: [...keys] };
}

/** An object record as a row of values by the layout's keys (keys the layout lacks are not imported). */
export function objectRow(record: ObjectRecord, keys: readonly string[]): SourceRow {
  if (record.problem !== undefined) return { line: record.line, values: [], problem: record.problem };
  const value = record.value;
  if (!isPlainObject(value))
    return { line: record.line, values: [], problem: `not an object but ${describeJson(value)}` };
  const values = new Array<SourceValue>(keys.length);
  for (let i = 0; i < keys.length; i++) values[i] = (value[keys[i] as string] ?? null) as SourceValue;
  return { line: record.line, values };
}

/** What inspect says about the sample: proposed columns, the rows shown, and warnings. */
export function describeSample(
  names: readonly string[],
  rows: readonly SourceRow[],
  extra: { partial?: boolean; rawWidths?: readonly number[] },
): { columns: ProposedColumn[]; sampleRows: SourceValue[][]; warnings: ImportMessage[] } {
  if (rows.length === 0) throw noRows();
  const good = rows.filter((row) => row.problem === undefined).map((row) => row.values);
  const columns = proposeColumns(names, good);
  const warnings: ImportMessage[] = [];
  for (const column of columns) {
    if (column.type !== "string") continue;
    const values = good.map((row) => row[column.source] ?? null).filter((value) => !isEmpty(value));
    const example = values.find(hasLeadingZero);
    if (example !== undefined && inferType(values.map((value) => (hasLeadingZero(value) ? "0" : value))) !== "string")
      warnings.push({ key: "import.warning.leadingZeros", params: { column: column.label, example: String(example) } });
  }
  if (extra.rawWidths) {
    const odd = rows.filter((_, index) => extra.rawWidths![index] !== names.length);
    if (odd.length)
      warnings.push({ key: "import.warning.fieldCount", params: { count: odd.length, line: odd[0]?.line ?? 0 } });
  }
  const problems = rows.filter((row) => row.problem !== undefined);
  if (problems.length)
    warnings.push({
      key: "import.warning.rowProblems",
      params: { count: problems.length, line: problems[0]?.line ?? 0 },
    });
  if (extra.partial) warnings.push({ key: "import.warning.partial" });
  return { columns, sampleRows: rows.slice(0, SHOWN_ROWS).map((row) => row.values), warnings };
}
