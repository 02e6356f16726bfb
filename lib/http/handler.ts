// The one wrapper every route handler goes through. It declares who may call the route —
// a permission of the role table (`can`), or `public: true` — resolves the user (401
// without one), checks the permission (403), hands the handler plain values, and maps
// every error to a status in one place. Finer rules (whose dataset, whose export) are the
// use case's.
import { can, type Action } from "../auth/permissions";
import { getRequestUser, type CurrentUser } from "../auth/session";
import { AppError } from "../errors";
import type { Locale } from "../i18n";
import { errorResponse } from "./error-response";
import { requestLocale } from "./request";

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
};

export function withUser<P = Record<string, never>>(
  handler: (args: HandlerArgs<P>) => Promise<Response>,
  options: { can: Action; authenticate?: Authenticate<P> },
): RouteHandler<P>;
export function withUser<P = Record<string, never>>(
  handler: (args: HandlerArgs<P, CurrentUser | null>) => Promise<Response>,
  options: { public: true },
): RouteHandler<P>;
export function withUser<P>(
  handler: (args: HandlerArgs<P>) => Promise<Response>,
  options: { can?: Action; public?: true; authenticate?: Authenticate<P> },
): RouteHandler<P> {
  // Only a public route's handler (the second overload) is ever given no user.
  const publicHandler = handler as (args: HandlerArgs<P, CurrentUser | null>) => Promise<Response>;
  const access: RouteAccess = options.public ? { public: true } : { can: options.can as Action };
  const route = async (req: Request, context: RouteContext<P>): Promise<Response> => {
    const locale = requestLocale(req.headers);
    try {
      const params = await context.params;
      if ("public" in access) return await publicHandler({ req, user: null, params, locale });
      const user = (await options.authenticate?.(req, params)) ?? (await getRequestUser(req));
      if (!user) throw new AppError("unauthenticated");
      if (!can(user, access.can)) throw new AppError("forbidden");
      return await handler({ req, user, params, locale });
    } catch (error) {
      return errorResponse(error, locale);
    }
  };
  return Object.assign(route, { access });
}
