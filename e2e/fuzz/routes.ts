// Every route and page the app has, read from the file system (app/api/**/route.ts and
// app/**/page.tsx), so a new one is fuzzed without touching the suite.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export type Segment =
  | { kind: "static"; value: string }
  | { kind: "param"; name: string }
  | { kind: "catchAll"; name: string; optional: boolean };

export type AppTarget = {
  kind: "api" | "page";
  /** The source file, relative to the repository. */
  file: string;
  /** The URL pattern, e.g. /api/export/[format]/[datasetId]. */
  pattern: string;
  segments: Segment[];
  /** Methods the file exports (pages: GET). */
  methods: string[];
};

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

function walk(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return walk(full, name);
    return entry.name === name ? [full] : [];
  });
}

function segmentsOf(relativeDir: string): Segment[] {
  return relativeDir
    .split("/")
    .filter((part) => part !== "" && !/^\(.*\)$/.test(part) && !part.startsWith("@"))
    .map((part): Segment => {
      const optionalCatchAll = /^\[\[\.\.\.(.+)\]\]$/.exec(part);
      if (optionalCatchAll) return { kind: "catchAll", name: optionalCatchAll[1]!, optional: true };
      const catchAll = /^\[\.\.\.(.+)\]$/.exec(part);
      if (catchAll) return { kind: "catchAll", name: catchAll[1]!, optional: false };
      const param = /^\[(.+)\]$/.exec(part);
      if (param) return { kind: "param", name: param[1]! };
      return { kind: "static", value: part };
    });
}

/** The HTTP methods a route file exports: `export const GET`, `export function GET`, `export { x as GET }`. */
export function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const match of source.matchAll(/export\s+(?:async\s+)?(?:const|function|let)\s+([A-Z]+)\b/g))
    found.add(match[1]!);
  for (const block of source.matchAll(/export\s*\{([^}]*)\}/g))
    for (const item of block[1]!.split(",")) {
      const name = item
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name) found.add(name);
    }
  return HTTP_METHODS.filter((method) => found.has(method));
}

export function discoverTargets(root: string): AppTarget[] {
  const app = path.join(root, "app");
  const toTarget = (kind: AppTarget["kind"], file: string): AppTarget => {
    const relative = path.relative(app, path.dirname(file)).split(path.sep).join("/");
    const segments = segmentsOf(relative);
    const pattern =
      "/" +
      segments
        .map((s) => (s.kind === "static" ? s.value : s.kind === "param" ? `[${s.name}]` : `[...${s.name}]`))
        .join("/");
    const source = readFileSync(file, "utf8");
    return {
      kind,
      file: path.relative(root, file).split(path.sep).join("/"),
      pattern,
      segments,
      methods: kind === "page" ? ["GET"] : exportedMethods(source),
    };
  };
  const api = walk(path.join(app, "api"), "route.ts").map((file) => toTarget("api", file));
  const pages = walk(app, "page.tsx").map((file) => toTarget("page", file));
  return [...api, ...pages].sort((a, b) => a.pattern.localeCompare(b.pattern));
}
