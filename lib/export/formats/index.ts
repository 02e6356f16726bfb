// What each format is: how it is written, named and sent.
import type { ExportFormat } from "../options";

export type FormatSpec = {
  extension: string;
  contentType: string;
  /** Streams to the client at any size (up to the row cap); others are jobs past a limit. */
  streams: boolean;
  /** Takes the `compression: gzip` option. */
  compressible: boolean;
};

export const FORMAT_SPECS: Record<ExportFormat, FormatSpec> = {
  csv: { extension: "csv", contentType: "text/csv; charset=utf-8", streams: true, compressible: true },
  json: { extension: "json", contentType: "application/json; charset=utf-8", streams: true, compressible: true },
  ndjson: {
    extension: "ndjson",
    contentType: "application/x-ndjson; charset=utf-8",
    streams: true,
    compressible: true,
  },
  excel: {
    extension: "xlsx",
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    streams: false,
    compressible: false,
  },
  parquet: { extension: "parquet", contentType: "application/vnd.apache.parquet", streams: true, compressible: false },
  pdf: { extension: "pdf", contentType: "application/pdf", streams: false, compressible: false },
};
