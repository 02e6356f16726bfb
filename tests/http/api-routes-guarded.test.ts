// The proxy does not run on /api/*: each API route must authenticate through withUser.
// This test fails for a new route handler that forgets to.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const PUBLIC_ROUTES = new Set(["app/api/auth/[...nextauth]/route.ts", "app/api/health/route.ts"]);

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

describe("API route handlers", () => {
  const files = routeFiles("app/api").map((file) => file.split(path.sep).join("/"));

  it("finds the routes", () => {
    expect(files.length).toBeGreaterThan(8);
    expect(files).toContain("app/api/export/async/route.ts");
  });

  it.each(files.filter((file) => !PUBLIC_ROUTES.has(file)))("%s exports only handlers wrapped in withUser", (file) => {
    const source = readFileSync(file, "utf8");
    const handlers = [...source.matchAll(/export const (GET|HEAD|POST|PUT|PATCH|DELETE)\s*=\s*([^\n]+)/g)];
    expect(handlers.length).toBeGreaterThan(0);
    for (const [, method, rest] of handlers) expect(rest, `${file} ${method}`).toMatch(/^withUser\b/);
    expect(source).not.toMatch(/export (async )?function (GET|HEAD|POST|PUT|PATCH|DELETE)\b/);
  });
});
