// The columns inspect proposes: the file's names, a label to show, a unique key that the
// dataset's schema accepts, the inferred type, and whether the name looks like it holds
// secrets (so the person importing is nudged to mark it sensitive).
import { inferType } from "./infer-types";
import { ImportFileError, type ProposedColumn, type SourceValue } from "./types";

const SECRET_NAME =
  /pass(word|wd)?\b|passwd|secret|token|api[\s_-]?key|apikey|\bssn\b|social[\s_-]?security|credit[\s_-]?card|card[\s_-]?number|\bcvv\b|\biban\b|private[\s_-]?key|\bpin\b/i;

export function looksSensitive(name: string): boolean {
  return SECRET_NAME.test(name) || SECRET_NAME.test(name.replace(/_/g, " "));
}

/** A lower-case ASCII slug of the name, or null when it has no ASCII letter. */
function slug(name: string): string | null {
  const ascii = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!/[a-z]/.test(ascii)) return null;
  const started = /^[a-z]/.test(ascii) ? ascii : `c_${ascii}`;
  return started.slice(0, 60).replace(/_+$/, "");
}

/** Keys for the names, unique (a repeat gets _2, _3 …), each matching the schema's column key. */
export function columnKeys(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name, index) => {
    const base = slug(name) ?? `column_${index + 1}`;
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base}_${n}`;
    used.add(key);
    return key;
  });
}

export function columnLabel(name: string, index: number): string {
  const label = name.trim();
  return label === "" ? `Column ${index + 1}` : label;
}

/** A header row's names are usable: none empty, none repeated (else a 422 naming them). */
export function checkHeaderNames(names: readonly string[]): void {
  const empty = names.flatMap((name, index) => (name.trim() === "" ? [`#${index + 1}`] : []));
  if (empty.length)
    throw new ImportFileError(
      "import.error.headerEmpty",
      { columns: empty.join(", ") },
      { status: 422, field: "header" },
    );
  const positions = new Map<string, number[]>();
  names.forEach((name, index) => {
    const key = name.trim();
    positions.set(key, [...(positions.get(key) ?? []), index + 1]);
  });
  const repeated = [...positions].filter(([, at]) => at.length > 1);
  if (repeated.length)
    throw new ImportFileError(
      "import.error.headerDuplicate",
      { columns: repeated.map(([name, at]) => `“${name}” (${at.map((n) => `#${n}`).join(", ")})`).join("; ") },
      { status: 422, field: "header" },
    );
}

/** The proposals for columns named `names`, typed from the sampled rows (values by column index). */
export function proposeColumns(names: readonly string[], rows: readonly (readonly SourceValue[])[]): ProposedColumn[] {
  const keys = columnKeys(names);
  return names.map((name, source) => ({
    source,
    name,
    key: keys[source] ?? `column_${source + 1}`,
    label: columnLabel(name, source),
    type: inferType(rows.map((row) => row[source] ?? null)),
    sensitive: looksSensitive(name),
  }));
}
