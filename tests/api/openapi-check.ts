// Checking answers against the API document: the document's schemas with every `$ref`
// resolved (the OpenAPI validator does it), turned back into zod (`z.fromJSONSchema`), with
// objects closed so a field the document does not name is a failure too.
import { Validator } from "@seriousme/openapi-schema-validator";
import { expect } from "vitest";
import { z } from "zod";
import { openApiDocument } from "@/lib/http/openapi/document";

type Json = Record<string, unknown>;
type Operation = { responses: Record<string, { content?: Record<string, { schema?: Json }> }> };

let resolved: Promise<{ paths: Record<string, Record<string, Operation>> }> | undefined;

/** The document with its references resolved in place. */
export function resolvedDocument() {
  resolved ??= (async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(JSON.stringify(openApiDocument())) as Json);
    if (!result.valid) throw new Error(`the API document is not valid: ${JSON.stringify(result.errors)}`);
    return JSON.parse(JSON.stringify(validator.resolveRefs())) as { paths: Record<string, Record<string, Operation>> };
  })();
  return resolved;
}

/** Every object that lists its properties and says nothing of others refuses others. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== "object") return schema;
  const copy: Json = Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, closed(value)]));
  if (copy.properties && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}

/**
 * Expects `response` to be one the document describes for `method path`: its status is
 * listed, and a JSON body parses with that status's schema.
 */
export async function expectDocumented(response: Response, method: string, path: string): Promise<unknown> {
  const document = await resolvedDocument();
  const operation = document.paths[path]?.[method.toLowerCase()];
  expect(operation, `${method} ${path} is not in the document`).toBeDefined();
  const documented = operation?.responses[String(response.status)];
  expect(documented, `${method} ${path}: status ${response.status} is not documented`).toBeDefined();
  const type = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
  if (type !== "application/json") return undefined;
  const schema = documented?.content?.["application/json"]?.schema;
  expect(schema, `${method} ${path} ${response.status}: no JSON schema documented`).toBeDefined();
  const body: unknown = await response.json();
  const parsed = z.fromJSONSchema(closed(schema) as Parameters<typeof z.fromJSONSchema>[0]).safeParse(body);
  expect(parsed.error?.issues ?? [], `${method} ${path} ${response.status}: the body is not as documented`).toEqual([]);
  return body;
}
