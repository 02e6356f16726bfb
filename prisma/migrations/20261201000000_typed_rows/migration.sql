-- Each dataset gets a typed table of its rows in the dataset_rows schema, created and
-- dropped by the app (lib/sources/typed/rows-table.ts), not by migrations. rows_table
-- names it, and stays empty while the rows are still in the release 1 records table,
-- waiting for the move that runs after the migrations (lib/data/move-records.ts).
ALTER TABLE "datasets" ADD COLUMN "rows_table" TEXT;

-- A stored value the move could not fit into its column type: the row keeps an empty
-- value there, and the event keeps the value.
ALTER TYPE "AuditAction" ADD VALUE 'row_value_dropped';
