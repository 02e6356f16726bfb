// The one wrapper every route handler goes through. It declares who may call the route —
// a permission of the role table (`can`), or `public: true` — resolves the user (401
// without one), checks the permission (403), hands the handler plain values, and maps
// every error to a status in one place. Finer rules (whose dataset, whose export) are the
// use case's. For a state-changing call it also refuses other sites (403), bodies that are
// not JSON (415) and bodies past the route's size (413) — see lib/http/request-guards.ts.
// An upload route (`body: "upload"`) takes a file instead: any body type, up to the import
// limit; its receiver (lib/uploads/receive-upload.ts) checks the rest as it reads.
// A caller proves who it is with the session cookie or, from a script, `Authorization:
// Bearer <personal access token>` — then the token alone decides (the cookie is not looked
// at), the same-origin check is skipped (a cross-site page cannot set that header, and no
// cookie is involved), and a `read` token is refused anything but a GET or HEAD without side effects (403).
// A route may also declare a `serviceToken`: a fixed secret from the environment (the
// metrics scraper's) that, sent as `Authorization: Bearer <it>`, lets the call in without a
// user; compared in constant time.
// Every request gets an id — the caller's `X-Request-Id` when it is a sane token, else a
// fresh one — answered in the `X-Request-Id` header, kept in the request context (jobs
// asked for store it) and written on the one log line per request.
import { timingSafeEqual } from "node:crypto";
import { can, type Action } from "../auth/permissions";
import { runWithRequestContext } from "../auth/request-context";
import { getRequestUser, type CurrentUser } from "../auth/session";
import { config } from "../config";
import { AppError } from "../errors";
import type { Locale } from "../i18n";
import { log, requestIdFrom } from "../log";
import { isBearerHeader, verifyBearer } from "../tokens/tokens";
import { uploadTooLarge } from "../uploads/receive-upload";
import { errorResponse } from "./error-response";
import { allowedMethods, HTTP_METHODS, methodNotAllowed, optionsResponse, type HttpMethod } from "./methods";
import { requestLocale } from "./request";
import {
  checkDeclaredLength,
  checkJsonBody,
  checkSameOrigin,
  DEFAULT_MAX_BODY_BYTES,
  isStateChanging,
  limitBody,
} from "./request-guards";
import { UPLOAD_OVERHEAD_BYTES } from "./upload-routes";

export type HandlerArgs<P, U = CurrentUser> = { req: Request; user: U; params: P; locale: Locale };
type RouteContext<P> = { params: Promise<P> };

/**
 * Another way a route accepts a caller (a signed URL): the user it proves, undefined when
 * the request does not use it (the session is tried), or an AppError when it is bad.
 */
export type Authenticate<P> = (req: Request, params: P) => Promise<CurrentUser | undefined>;

/** Who may call a route, as the route declares it (read by the structural test). */
export type RouteAccess = { can: Action } | { public: true };

export type RouteHandler<P> = ((req: Request, context: RouteContext<P>) => Promise<Response>) & {
  access: RouteAccess;
  /** A GET that counts or records something: HEAD is refused rather than run it. */
  sideEffects?: boolean;
  /** The route takes a file as its body (lib/http/upload-routes.ts names these routes). */
  upload?: true;
};

type CommonOptions = {
  /** The largest request body this route reads (default 64 KiB; an upload's: its largest file). */
  maxBodyBytes?: number;
  /**
   * `upload`: the body is a file, multipart or plain, read by the route's receiver — no
   * JSON-only check and no body counting here (the receiver counts the file); the origin
   * check stays.
   */
  body?: "json" | "upload";
  /** This GET counts or records something (a rate-limit point, an audit event). */
  sideEffects?: boolean;
};

/** A fixed secret (read when a request comes) a route also accepts as `Bearer`; unset: none. */
export type ServiceToken = () => string | undefined;

export function withUser<P = Record<string, never>>(
  handler: (args: HandlerArgs<P>) => Promise<Response>,
  options: CommonOptions & { can: Action; authenticate?: Authenticate<P> },
): RouteHandler<P>;
/** A route a user with `can` may call, or a caller with the service token (then no user). */
export function withUser<P = Record<string, never>>(
  handler: (args: HandlerArgs<P, CurrentUser | null>) => Promise<Response>,
  options: CommonOptions & { can: Action; serviceToken: ServiceToken },
): RouteHandler<P>;
export function withUser<P = Record<string, never>>(
  handler: (args: HandlerArgs<P, CurrentUser | null>) => Promise<Response>,
  options: CommonOptions & { public: true },
): RouteHandler<P>;
export function withUser<P>(
  handler: (args: HandlerArgs<P>) => Promise<Response>,
  options: CommonOptions & {
    can?: Action;
    public?: true;
    authenticate?: Authenticate<P>;
    serviceToken?: ServiceToken;
  },
): RouteHandler<P> {
  // Only a public route's handler (the second overload) is ever given no user.
  const publicHandler = handler as (args: HandlerArgs<P, CurrentUser | null>) => Promise<Response>;
  const access: RouteAccess = options.public ? { public: true } : { can: options.can as Action };
  const upload = options.body === "upload";
  const maxBodyBytes = options.maxBodyBytes ?? (upload ? config.imports.maxFileBytes : DEFAULT_MAX_BODY_BYTES);
  const answer = async (
    incoming: Request,
    context: RouteContext<P>,
    requestId: string,
    seen: { userId?: number },
  ): Promise<Response> => {
    const locale = requestLocale(incoming.headers);
    try {
      const params = await context.params;
      if (upload) {
        // The form around a file may add a little to the file's own size.
        checkDeclaredLength(incoming, maxBodyBytes + UPLOAD_OVERHEAD_BYTES, () => uploadTooLarge(maxBodyBytes));
      } else {
        checkDeclaredLength(incoming, maxBodyBytes);
      }
      // A public route (next-auth's, with its own CSRF token and form bodies) gets its
      // request as Next made it.
      if ("public" in access) {
        return await runWithRequestContext({ requestId }, () =>
          publicHandler({ req: incoming, user: null, params, locale }),
        );
      }
      const authorization = incoming.headers.get("authorization");
      if (options.serviceToken && serviceTokenMatches(authorization, options.serviceToken())) {
        return await runWithRequestContext({ requestId }, () =>
          publicHandler({ req: incoming, user: null, params, locale }),
        );
      }
      const bearer = isBearerHeader(authorization) ? authorization : null;
      let req = incoming;
      if (isStateChanging(incoming.method)) {
        if (bearer === null) checkSameOrigin(incoming);
        if (!upload) {
          checkJsonBody(incoming);
          req = limitBody(incoming, maxBodyBytes);
        }
      }
      const user = await authenticateRequest(req, params, bearer, options.authenticate);
      if (!user) throw new AppError("unauthenticated");
      seen.userId = user.id;
      if (!can(user, access.can)) throw new AppError("forbidden");
      const credential = user.credential;
      if (credential?.kind === "token" && credential.scope === "read" && !readOnly(req.method, options.sideEffects)) {
        throw new AppError("forbidden", "error.token.readOnly", { reason: "read_scope" });
      }
      return await runWithRequestContext({ credential, requestId }, () => handler({ req, user, params, locale }));
    } catch (error) {
      // The client went away while its body was read (or the server's body timeout cut
      // it off): nobody is left to read an answer, and it is no fault of ours to log.
      if (clientGone(error, incoming)) return errorResponse(new AppError("bad_request"), locale);
      return errorResponse(error, locale);
    }
  };
  const route = async (incoming: Request, context: RouteContext<P>): Promise<Response> => {
    const started = performance.now();
    const requestId = requestIdFrom(incoming.headers.get("x-request-id"));
    const seen: { userId?: number } = {};
    const response = withRequestId(await answer(incoming, context, requestId, seen), requestId);
    log.info("request", {
      method: incoming.method,
      path: pathOf(incoming.url),
      status: response.status,
      ms: Math.round(performance.now() - started),
      request_id: requestId,
      user_id: seen.userId,
    });
    return response;
  };
  return Object.assign(route, {
    access,
    ...(options.sideEffects ? { sideEffects: true } : {}),
    ...(upload ? { upload: true as const } : {}),
  });
}

/**
 * Whether a call only reads, as a `read` token may make it: GET or HEAD, and not a GET
 * declared to have side effects (a direct export: it is counted, audited and makes a file).
 */
function readOnly(method: string, sideEffects: boolean | undefined): boolean {
  const upper = method.toUpperCase();
  return (upper === "GET" || upper === "HEAD") && sideEffects !== true;
}

/**
 * Who the request is from: the route's own way (a signed URL) when it uses it, else the
 * bearer token when the request sends one (never the cookie then), else the session.
 */
async function authenticateRequest<P>(
  req: Request,
  params: P,
  bearer: string | null,
  authenticate: Authenticate<P> | undefined,
): Promise<CurrentUser | null> {
  const own = await authenticate?.(req, params);
  if (own) return own;
  if (bearer !== null) return verifyBearer(bearer);
  const user = await getRequestUser(req);
  return user && { ...user, credential: { kind: "session" } };
}

/** Whether `Authorization` is `Bearer <expected>`, compared in constant time. */
export function serviceTokenMatches(authorization: string | null, expected: string | undefined): boolean {
  if (!expected || authorization === null) return false;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return false;
  const given = Buffer.from(match[1] ?? "");
  const wanted = Buffer.from(expected);
  // Equal lengths first (timingSafeEqual needs them), then compare the bytes themselves.
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** The path of a URL, without its query string (whose values may be anything). */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return "?";
  }
}

/** The response with the request's id in `X-Request-Id` (a copy when its headers are frozen). */
function withRequestId(response: Response, requestId: string): Response {
  try {
    response.headers.set("x-request-id", requestId);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set("x-request-id", requestId);
    return copy;
  }
}

function clientGone(error: unknown, req: Request): boolean {
  if (error instanceof AppError) return false;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ECONNRESET" || code === "ECONNABORTED") return true;
  return req.signal.aborted && error instanceof Error && error.name === "AbortError";
}

/** A handler otherMethods made: a 405 or the OPTIONS answer, for anyone. */
export type DerivedHandler = ((req: Request) => Promise<Response>) & { access: { public: true }; derived: true };

type AnyRouteHandler = RouteHandler<never>;
type Implemented = Partial<Record<HttpMethod, AnyRouteHandler>>;
type OtherMethods<H> = {
  [K in Exclude<HttpMethod, keyof H>]: K extends "HEAD"
    ? H extends { GET: infer G }
      ? G | DerivedHandler
      : DerivedHandler
    : DerivedHandler;
};

/**
 * The rest of a route module's methods, from the ones it implements: OPTIONS answers 204
 * with `Allow`, HEAD runs the GET (unless the GET has side effects), every other method is
 * a 405 with `Allow`. Each route module ends with
 * `export const { HEAD, OPTIONS, … } = otherMethods({ GET, POST })`, so no method is left to
 * Next's defaults (a 405 without `Allow`, a HEAD that runs any GET).
 */
export function otherMethods<H extends Implemented>(implemented: H): OtherMethods<H> {
  const allow = allowedMethods(implemented);
  const derived = (answer: (req: Request) => Response): DerivedHandler =>
    Object.assign(async (req: Request) => answer(req), { access: { public: true } as const, derived: true as const });
  const refuse = derived((req) => methodNotAllowed(req.method, allow, requestLocale(req.headers)));
  const result: Partial<Record<HttpMethod, AnyRouteHandler | DerivedHandler>> = {};
  for (const method of HTTP_METHODS) {
    if (method in implemented) continue;
    if (method === "OPTIONS") result.OPTIONS = derived(() => optionsResponse(allow));
    else if (method === "HEAD" && allow.includes("HEAD") && implemented.GET) result.HEAD = implemented.GET;
    else result[method] = refuse;
  }
  return result as OtherMethods<H>;
}
