// Per-column warning callbacks, made once per export rather than once per cell (a
// closure per cell costs more than writing the cell).
import type { ExportColumn, WriterContext } from "./types";
import type { ValueOptions } from "./values";

export type ColumnValueOptions = {
  /** Set to the 1-based row number before converting that row's cells. */
  current: { row: number };
  /** One options object per column, for csvText/jsonValue/excelValue/parquetValue. */
  options: Array<Required<ValueOptions>>;
};

export function columnValueOptions(
  columns: readonly ExportColumn[],
  { timezone, onWarning }: Pick<WriterContext, "timezone" | "onWarning">,
): ColumnValueOptions {
  const current = { row: 0 };
  return {
    current,
    options: columns.map((column) => ({
      timezone,
      warn: (message: string) => onWarning({ row: current.row, column: column.key, message }),
    })),
  };
}
