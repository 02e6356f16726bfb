// The proxy does not run on /api/*: every API route handler must go through withUser and
// declare who may call it — a permission of the role table, or public. This test fails
// for a new route handler that forgets to, or names a permission that does not exist.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PERMISSIONS } from "@/lib/auth/permissions";
import { isUploadRoute } from "@/lib/http/upload-routes";

const PUBLIC_ROUTES = new Set([
  "app/api/auth/[...nextauth]/route.ts",
  "app/api/health/route.ts",
  "app/api/openapi.json/route.ts",
]);
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

const files = routeFiles("app/api").map((file) => file.split(path.sep).join("/"));

describe("API route handlers", () => {
  it("finds the routes", () => {
    expect(files.length).toBeGreaterThan(8);
    expect(files).toContain("app/api/export/async/route.ts");
  });

  it.each(files)("%s declares who may call each handler", async (file) => {
    const route = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, unknown>;
    const handlers = METHODS.filter((method) => method in route);
    expect(handlers.length, file).toBeGreaterThan(0);
    // Every method is the module's own (next-auth's excepted): none is left to Next's
    // defaults, a 405 without Allow or a HEAD that runs the GET whatever it does.
    if (file !== "app/api/auth/[...nextauth]/route.ts") {
      expect(handlers, `${file}: end it with otherMethods(...)`).toEqual([...METHODS]);
    }
    for (const method of handlers) {
      const handler = route[method] as { access?: { can?: string; public?: boolean }; derived?: boolean };
      const access = handler.access;
      expect(access, `${file} ${method}: not wrapped in withUser`).toBeDefined();
      if (handler.derived) continue; // a 405 or the OPTIONS answer, the same for everyone
      if (PUBLIC_ROUTES.has(file)) expect(access, `${file} ${method}`).toEqual({ public: true });
      else expect(Object.keys(PERMISSIONS), `${file} ${method}`).toContain(access?.can);
    }
  });

  it("takes file bodies on exactly the routes the edge lets uploads through to", async () => {
    const uploads: string[] = [];
    for (const file of files) {
      const route = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, { upload?: true }>;
      for (const method of METHODS) if (route[method]?.upload) uploads.push(`${method} ${file}`);
    }
    expect(uploads.sort()).toEqual([
      "POST app/api/datasets/[id]/import/route.ts",
      "POST app/api/datasets/inspect/route.ts",
      "POST app/api/datasets/route.ts",
    ]);
    // The same routes by the paths the edge sees.
    expect(
      ["/api/datasets", "/api/datasets/inspect", "/api/datasets/7/import"].every((p) => isUploadRoute("POST", p)),
    ).toBe(true);
    expect(["/api/datasets/7", "/api/datasets/7/records", "/api/imports/x"].some((p) => isUploadRoute("POST", p))).toBe(
      false,
    );
  });
});
