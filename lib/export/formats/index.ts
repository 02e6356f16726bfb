// The one registry of export formats: what each is called, how its files are named and
// sent, whether it streams and takes gzip, and where the dataset page offers it. The
// options schema, the UI's buttons and history, file names, gzip rules, the delivery
// decision and the pipeline's writers (./writers.ts) all read it. Data only, so client
// components may import it; adding a format here without its writer fails to compile.

export const EXPORT_FORMATS = ["csv", "excel", "pdf", "json", "ndjson", "parquet"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export type FormatSpec = {
  /** The format's name, the same in every language ("Download {label}"). */
  label: string;
  extension: string;
  contentType: string;
  /** Streams to the client at any size (up to the row cap); the others are jobs past `directLimit`. */
  streams: boolean;
  /** Takes the `compression: gzip` option. */
  compressible: boolean;
  /**
   * Which configured limit of rows the UI downloads directly before it queues a job
   * (`text`: OUTPORT_DIRECT_ROWS_TEXT, `excel`: OUTPORT_DIRECT_ROWS_EXCEL); `none`: always a job.
   */
  directLimit: "text" | "excel" | "none";
  /** On the dataset page: a button of its own, or an entry of the "More formats" menu. */
  placement: "button" | "menu";
};

export const FORMATS = {
  csv: {
    label: "CSV",
    extension: "csv",
    contentType: "text/csv; charset=utf-8",
    streams: true,
    compressible: true,
    directLimit: "text",
    placement: "button",
  },
  excel: {
    label: "Excel",
    extension: "xlsx",
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    streams: false,
    compressible: false,
    directLimit: "excel",
    placement: "button",
  },
  pdf: {
    label: "PDF",
    extension: "pdf",
    contentType: "application/pdf",
    streams: false,
    compressible: false,
    directLimit: "none",
    placement: "button",
  },
  json: {
    label: "JSON",
    extension: "json",
    contentType: "application/json; charset=utf-8",
    streams: true,
    compressible: true,
    directLimit: "text",
    placement: "menu",
  },
  ndjson: {
    label: "NDJSON",
    extension: "ndjson",
    contentType: "application/x-ndjson; charset=utf-8",
    streams: true,
    compressible: true,
    directLimit: "text",
    placement: "menu",
  },
  parquet: {
    label: "Parquet",
    extension: "parquet",
    contentType: "application/vnd.apache.parquet",
    streams: true,
    compressible: false,
    directLimit: "text",
    placement: "menu",
  },
} as const satisfies Record<ExportFormat, FormatSpec>;

export function isExportFormat(value: string): value is ExportFormat {
  return Object.hasOwn(FORMATS, value);
}

/** Whether a file of this format is gzipped with these options. */
export function isGzipped(format: ExportFormat, options: { compression?: string }): boolean {
  return options.compression === "gzip" && FORMATS[format].compressible;
}

/** The file extension with these options: `csv`, or `csv.gz` when gzipped. */
export function fileExtension(format: ExportFormat, options: { compression?: string }): string {
  const { extension } = FORMATS[format];
  return isGzipped(format, options) ? `${extension}.gz` : extension;
}

/** The Content-Type of a file of this format with these options. */
export function fileContentType(format: ExportFormat, options: { compression?: string }): string {
  return isGzipped(format, options) ? "application/gzip" : FORMATS[format].contentType;
}

/** Every extension a stored export file can end in, longest first (`csv.gz` before `csv`). */
export const FILE_EXTENSIONS: readonly string[] = Object.values(FORMATS)
  .flatMap((spec: FormatSpec) => (spec.compressible ? [`${spec.extension}.gz`, spec.extension] : [spec.extension]))
  .sort((a, b) => b.length - a.length);
