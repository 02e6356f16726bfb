// JSON: one array of objects, valid however many rows stream through it; NDJSON: one
// object per line. Property names are the column keys (or their renames).
import { jsonValue } from "../values";
import { columnValueOptions } from "../warnings";
import type { ExportColumn, FormatWriter, RowBatch, WriterContext } from "../types";

function rowSerializer(columns: readonly ExportColumn[], context: WriterContext) {
  const prefixes = columns.map((column, i) => `${i === 0 ? "{" : ","}${JSON.stringify(column.jsonKey ?? column.key)}:`);
  const types = columns.map((column) => column.type);
  const { current, options } = columnValueOptions(columns, context);
  return (row: RowBatch[number], rowNumber: number): string => {
    current.row = rowNumber;
    let out = "";
    for (let i = 0; i < types.length; i++) {
      out += prefixes[i] + JSON.stringify(jsonValue(row[i], types[i]!, options[i]!));
    }
    return types.length === 0 ? "{}" : `${out}}`;
  };
}

export const writeJson: FormatWriter = async function* (batches, context) {
  const serialize = rowSerializer(context.columns, context);
  let rowNumber = 0;
  yield Buffer.from("[", "utf8");
  for await (const batch of batches) {
    let chunk = "";
    for (const row of batch) {
      rowNumber++;
      chunk += `${rowNumber === 1 ? "\n" : ",\n"}${serialize(row, rowNumber)}`;
    }
    if (chunk) yield Buffer.from(chunk, "utf8");
  }
  yield Buffer.from(rowNumber === 0 ? "]\n" : "\n]\n", "utf8");
};

export const writeNdjson: FormatWriter = async function* (batches, context) {
  const serialize = rowSerializer(context.columns, context);
  let rowNumber = 0;
  for await (const batch of batches) {
    let chunk = "";
    for (const row of batch) chunk += `${serialize(row, ++rowNumber)}\n`;
    if (chunk) yield Buffer.from(chunk, "utf8");
  }
};
