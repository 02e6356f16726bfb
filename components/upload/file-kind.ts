// Which files the upload page takes, and which of them are text: a text file is inspected
// from its first few MB only, a binary one (XLSX, Parquet) keeps its index at the end, so
// it has to go whole.
export const ACCEPTED_EXTENSIONS = [".csv", ".tsv", ".txt", ".xlsx", ".json", ".ndjson", ".jsonl", ".parquet"] as const;

const BINARY_EXTENSIONS = new Set([".xlsx", ".parquet"]);

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot).toLowerCase();
}

export function isAcceptedFile(name: string): boolean {
  return (ACCEPTED_EXTENSIONS as readonly string[]).includes(extensionOf(name));
}

export function isTextFile(name: string): boolean {
  return !BINARY_EXTENSIONS.has(extensionOf(name));
}

/** The default title of a dataset: the file's name without its extension. */
export function titleFromFileName(name: string): string {
  const ext = extensionOf(name);
  const base = ext ? name.slice(0, -ext.length) : name;
  return base.trim() || name;
}
