// The API document: valid OpenAPI 3.1, and complete — every method a route module
// implements (not the 405s and OPTIONS answers otherMethods derives, nor a HEAD that is
// the GET itself) is documented, with the security its route declares.
import { readdirSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { GET as getDocument } from "@/app/api/openapi.json/route";
import { openApiDocument } from "@/lib/http/openapi/document";
import { routeContext } from "../helpers/auth";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** Routes the document already describes whose module another change adds. */

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

/** `app/api/datasets/[id]/route.ts` → `/api/datasets/{id}`; `[...nextauth]` → `{nextauth}`. */
function documentPath(file: string): string {
  const dir = path.dirname(file).split(path.sep).join("/").replace(/^app/, "");
  return dir.replace(/\[(?:\.\.\.)?([^\]]+)\]/g, "{$1}");
}

type Handler = { access?: { can?: string; public?: true }; derived?: true };
type Operation = { security?: unknown[]; responses: Record<string, unknown> };

const files = routeFiles("app/api");
const document = openApiDocument();
const paths = document.paths as Record<string, Record<string, Operation>>;

describe("the API document", () => {
  it("is valid OpenAPI 3.1", async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(document)) as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(document.openapi).toBe("3.1.0");
  });

  it("declares both ways to authenticate", () => {
    expect(document.components?.securitySchemes).toMatchObject({
      sessionCookie: { type: "apiKey", in: "cookie", name: "next-auth.session-token" },
      bearerToken: { type: "http", scheme: "bearer" },
    });
    expect(document.security).toEqual([{ sessionCookie: [] }, { bearerToken: [] }]);
  });

  it.each(files)("documents every method %s implements", async (file) => {
    const route = (await import(/* @vite-ignore */ path.resolve(file))) as Record<string, Handler | undefined>;
    const documented = paths[documentPath(file)] ?? {};
    for (const method of METHODS) {
      const handler = route[method];
      if (!handler || handler.derived) continue;
      if (method === "HEAD" && handler === route.GET) continue; // the GET, answered without its body
      const operation = documented[method.toLowerCase()];
      expect(operation, `${method} ${documentPath(file)} is not in the document`).toBeDefined();
      if (!operation) continue;
      if (handler.access?.public) {
        expect(operation.security, `${method} ${file} is public`).toEqual([]);
      } else {
        expect(operation.security, `${method} ${file} needs a caller`).not.toEqual([]);
        expect(Object.keys(operation.responses), `${method} ${file}`).toEqual(expect.arrayContaining(["401", "403"]));
      }
    }
  });

  it("documents no path without a route module (except the ones on their way)", () => {
    const routed = new Set(files.map(documentPath));
    const orphans = Object.keys(paths).filter((p) => !routed.has(p));
    expect(orphans).toEqual([]);
  });

  it("describes the token API on the session only for creating a token", () => {
    expect(paths["/api/tokens"]?.post?.security).toEqual([{ sessionCookie: [] }]);
    expect(Object.keys(paths["/api/tokens"]?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(["201", "401", "403", "422"]),
    );
    expect(paths["/api/tokens"]?.get).toBeDefined();
    expect(Object.keys(paths["/api/tokens/{id}"]?.delete?.responses ?? {})).toEqual(
      expect.arrayContaining(["204", "404"]),
    );
  });

  it("documents the error shape on every error status", () => {
    for (const [p, item] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(item)) {
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400 || method === "head" || p === "/api/health") continue;
          expect(response, `${method} ${p} ${status}`).toMatchObject({
            content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
          });
        }
      }
    }
  });
});

describe("GET /api/openapi.json", () => {
  it("answers the document to anyone, cacheable", async () => {
    const response = await getDocument(new Request("http://127.0.0.1:3000/api/openapi.json"), routeContext({}));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toMatch(/^public, max-age=\d+/);
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(document)));
  });
});
