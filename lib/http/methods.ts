// Which HTTP methods a route answers, derived in one place from what its module exports,
// and the 405 (with `Allow`) for the others.
import { METHODS } from "node:http";
import { AppError } from "../errors";
import type { Locale } from "../i18n";
import { errorResponse } from "./error-response";

/** Every method the server serves at all; anything else is refused at the edge. */
export const HTTP_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export function isHttpMethod(method: string): method is HttpMethod {
  return (HTTP_METHODS as readonly string[]).includes(method);
}

/** A GET handler that counts or records something says so: HEAD is then refused, not run. */
export type MaybeSideEffects = { sideEffects?: boolean };

/**
 * The methods a route module answers: what it exports, HEAD along with a GET unless that
 * GET has side effects, and OPTIONS always. Handlers this module made (`derived`) do not
 * count: they are the refusals.
 */
export function allowedMethods(exports: Partial<Record<string, unknown>>): HttpMethod[] {
  const implemented = (method: HttpMethod) => {
    const handler = exports[method];
    return typeof handler === "function" && !(handler as { derived?: boolean }).derived;
  };
  const get = exports.GET as MaybeSideEffects | undefined;
  return HTTP_METHODS.filter(
    (method) =>
      implemented(method) ||
      method === "OPTIONS" ||
      (method === "HEAD" && implemented("GET") && get?.sideEffects !== true),
  );
}

/** 405 naming the method and what is allowed instead, with the `Allow` header. */
export function methodNotAllowed(method: string, allow: readonly string[], locale: Locale): Response {
  const response = errorResponse(
    new AppError("method_not_allowed", "error.http.methodNotAllowed", {
      // Echoed only when it is a method Node's parser knows, never arbitrary client text.
      params: { method: METHODS.includes(method) ? method : "?", allow: allow.join(", ") },
    }),
    locale,
  );
  response.headers.set("Allow", allow.join(", "));
  return response;
}

/** 204 with `Allow`: what OPTIONS answers. */
export function optionsResponse(allow: readonly string[]): Response {
  return new Response(null, { status: 204, headers: { Allow: allow.join(", ") } });
}
