// The audit trail reads export jobs and datasets only through SQL their own stores write:
// no query text in lib/audit names those tables itself.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const AUDIT_DIR = path.join(process.cwd(), "lib", "audit");

/** A source file without its comments, so that prose naming a table does not count. */
function code(file: string): string {
  return readFileSync(path.join(AUDIT_DIR, file), "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/^\s*\/\/.*$/gm, "");
}

describe("lib/audit and the tables of other stores", () => {
  const files = readdirSync(AUDIT_DIR).filter((file) => file.endsWith(".ts"));

  it("has files to look at", () => {
    expect(files).toContain("list.ts");
  });

  it.each(files)("%s writes no SQL on export_jobs", (file) => {
    expect(code(file)).not.toMatch(/\bexport_jobs\b/);
  });

  it.each(files)("%s writes no SQL on datasets", (file) => {
    expect(code(file)).not.toMatch(/\b(FROM|JOIN|UPDATE|INTO)\s+datasets\b/i);
  });
});
