// The column editor's state and its checks, kept pure so the rules are tested without a
// page: keys follow the API's COLUMN_KEY and are unique, labels are not empty, and only a
// date or date-time column can be the date column.
import { COLUMN_KEY, type TCreateDataset, type TImportColumn } from "@/lib/datasets/dataset-schemas";
import type { ColumnType } from "@/lib/export/types";
import type { InspectColumn } from "./inspect-result";

export type ColumnDraft = {
  source: number;
  name: string;
  key: string;
  label: string;
  type: ColumnType;
  sensitive: boolean;
  /** Imported (a column left out is not a column of the dataset). */
  include: boolean;
  /** The type inspect proposed: a type the person chose differs from it. */
  proposed: ColumnType;
};

export type ColumnProblem = "keyInvalid" | "keyDuplicate" | "labelEmpty";
export type ColumnProblems = { key?: ColumnProblem; label?: ColumnProblem };

/**
 * The editor's columns from an inspection. After the file was read again (another
 * encoding, delimiter or sheet), a column the file still has at the same place under the
 * same name keeps what the person set: label, key, sensitive, left out, and a type they
 * chose themselves (a type inspect proposed follows the new proposal).
 */
export function draftsFrom(columns: readonly InspectColumn[], before: readonly ColumnDraft[] = []): ColumnDraft[] {
  return columns.map((c) => {
    const name = c.name ?? c.label;
    const fresh: ColumnDraft = {
      source: c.source,
      name,
      key: c.key,
      label: c.label,
      type: c.type,
      sensitive: c.sensitive,
      include: true,
      proposed: c.type,
    };
    const kept = before.find((d) => d.source === c.source && d.name === name);
    if (!kept) return fresh;
    const { label, key, sensitive, include } = kept;
    return { ...fresh, label, key, sensitive, include, type: kept.type !== kept.proposed ? kept.type : c.type };
  });
}

/** The columns that will be imported. */
export function includedColumns(columns: readonly ColumnDraft[]): ColumnDraft[] {
  return columns.filter((c) => c.include);
}

export function isDateType(type: ColumnType): boolean {
  return type === "date" || type === "datetime";
}

/** The problems of each column, by its index in the editor (absent: none); a column left out has none. */
export function columnProblems(columns: readonly ColumnDraft[]): Map<number, ColumnProblems> {
  const count = new Map<string, number>();
  for (const column of includedColumns(columns)) count.set(column.key, (count.get(column.key) ?? 0) + 1);
  const problems = new Map<number, ColumnProblems>();
  columns.forEach((column, index) => {
    if (!column.include) return;
    const found: ColumnProblems = {};
    if (!COLUMN_KEY.test(column.key)) found.key = "keyInvalid";
    else if ((count.get(column.key) ?? 0) > 1) found.key = "keyDuplicate";
    if (column.label.trim() === "") found.label = "labelEmpty";
    if (found.key || found.label) problems.set(index, found);
  });
  return problems;
}

/** The columns that may be the date column: date and date-time ones. */
export function dateColumnChoices(columns: readonly ColumnDraft[]): ColumnDraft[] {
  return columns.filter((c) => c.include && isDateType(c.type));
}

/** The columns a chart may count by: anything but JSON. */
export function categoryColumnChoices(columns: readonly ColumnDraft[]): ColumnDraft[] {
  return columns.filter((c) => c.include && c.type !== "json");
}

/** A chosen column that is still a valid choice, else null (its type changed, or its key). */
export function keepChoice(key: string | null, choices: readonly ColumnDraft[]): string | null {
  return key !== null && choices.some((c) => c.key === key) ? key : null;
}

/** The first date column: the proposal for the date column, as the server would pick. */
export function firstDateColumn(columns: readonly ColumnDraft[]): string | null {
  return dateColumnChoices(columns)[0]?.key ?? null;
}

export function toImportColumns(columns: readonly ColumnDraft[]): TImportColumn[] {
  return includedColumns(columns).map((c) => ({
    source: c.source,
    key: c.key,
    label: c.label.trim(),
    type: c.type,
    sensitive: c.sensitive,
  }));
}

/** `max_rejected_rows` as typed, or null when it is not a whole number in range. */
export function parseMaxRejected(text: string): number | null {
  if (!/^\d{1,8}$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return value <= 10_000_000 ? value : null;
}

export type CreateMetadata = Omit<TCreateDataset, "description" | "max_rejected_rows"> & {
  description: string;
  max_rejected_rows: number;
};
