// The one way rows get into a typed table: batches of records (objects of column key →
// value) stream through PostgreSQL's COPY … FROM STDIN in its text format, each value fitted
// to its column (row-values.ts) on the way. A value that does not fit is stored as null and
// reported to `onUnfit`; nothing in a batch can make the COPY fail. Memory holds one batch.
// Imports, where a value that does not fit rejects its whole row, build each row's line with
// fittedLine (the same fitting, the same escaping) and send the lines through copyLines.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { ColumnType } from "../../export/types";
import { fitValue } from "./row-values";
import { columnSql, tableSql, type RowsTableRef } from "./rows-table";

export type IncomingRow = Record<string, unknown>;

/** A record with the row id it must keep (the move of release 1's records keeps their ids). */
export type IdentifiedRow = { rowId: number; data: IncomingRow };

export type UnfitValue = {
  /** 1-based position of the row in what was appended, and its row id when one was given. */
  row: number;
  rowId: number | null;
  column: string;
  value: unknown;
  reason: string;
};

export type AppendOptions = { onUnfit?: (unfit: UnfitValue) => void };

type Batches<T> = Iterable<readonly T[]> | AsyncIterable<readonly T[]>;

async function append<T>(
  client: pg.PoolClient,
  table: RowsTableRef,
  batches: Batches<T>,
  withIds: boolean,
  { onUnfit }: AppendOptions,
): Promise<number> {
  const { columns } = table;
  const names = columns.map((c) => columnSql(c.position));
  const list = (withIds ? ["row_id", ...names] : names).join(", ");
  let count = 0;
  async function* lines(): AsyncGenerator<string> {
    for await (const batch of batches) {
      let chunk = "";
      for (const item of batch) {
        count++;
        const rowId = withIds ? (item as IdentifiedRow).rowId : null;
        const data = withIds ? (item as IdentifiedRow).data : (item as IncomingRow);
        let line = rowId === null ? "" : `${rowId}`;
        for (let i = 0; i < columns.length; i++) {
          const column = columns[i]!;
          const value = data[column.key];
          const fitted = fitValue(value, column.type);
          if (fitted.text === null && fitted.reason !== null) {
            onUnfit?.({ row: count, rowId, column: column.key, value, reason: fitted.reason });
          }
          const field = fitted.text ?? "\\N";
          line += i === 0 && rowId === null ? field : `\t${field}`;
        }
        chunk += `${line}\n`;
      }
      if (chunk) yield chunk;
    }
  }
  // A table of no columns takes rows as empty lines only with an id; such a dataset has no rows to keep.
  if (columns.length === 0 && !withIds) return 0;
  await copyChunks(client, `COPY ${tableSql(table.rowsTable)} (${list}) FROM STDIN`, lines());
  return count;
}

async function copyChunks(
  client: pg.PoolClient,
  statement: string,
  chunks: AsyncIterable<string>,
  signal?: AbortSignal,
): Promise<void> {
  const sink = client.query(copyFrom(statement));
  await pipeline(Readable.from(chunks), sink, signal ? { signal } : {});
}

/** A value of a row that does not fit its column: the row is refused whole. */
export type RefusedValue = { index: number; reason: string };

/**
 * One row as a COPY text line (without its line end), every value fitted to its column's
 * type in order; or the first value that does not fit. Column i takes `values[sources[i]]`
 * (a source of -1, or past the row's end, is empty) as `types[i]`. One string per row,
 * no object per value kept.
 */
export function fittedLine(
  values: readonly unknown[],
  sources: readonly number[],
  types: readonly ColumnType[],
): string | RefusedValue {
  let line = "";
  for (let i = 0; i < types.length; i++) {
    const source = sources[i]!;
    const fitted = fitValue(source < 0 ? null : values[source], types[i]!);
    if (fitted.text === null) {
      if (fitted.reason !== null) return { index: i, reason: fitted.reason };
      line += i === 0 ? "\\N" : "\t\\N";
    } else line += i === 0 ? fitted.text : `\t${fitted.text}`;
  }
  return line;
}

/**
 * Sends lines made by fittedLine (joined with their line ends, many per chunk) into the
 * table's columns at `positions`, in order. An abort of `signal` stops the COPY, and the
 * caller's transaction rolls it back.
 */
export async function copyLines(
  client: pg.PoolClient,
  rowsTable: string,
  positions: readonly number[],
  chunks: AsyncIterable<string>,
  signal?: AbortSignal,
): Promise<void> {
  const list = positions.map(columnSql).join(", ");
  await copyChunks(client, `COPY ${tableSql(rowsTable)} (${list}) FROM STDIN`, chunks, signal);
}

/** Appends records in order (row ids follow it) on the caller's connection; returns how many. */
export function appendRows(
  client: pg.PoolClient,
  table: RowsTableRef,
  batches: Batches<IncomingRow>,
  options: AppendOptions = {},
): Promise<number> {
  return append(client, table, batches, false, options);
}

/** Appends records that keep the row ids they are given. */
export function appendIdentifiedRows(
  client: pg.PoolClient,
  table: RowsTableRef,
  batches: Batches<IdentifiedRow>,
  options: AppendOptions = {},
): Promise<number> {
  return append(client, table, batches, true, options);
}
