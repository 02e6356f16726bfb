// The one wrapper every authenticated route handler goes through: it resolves the user
// (401 without one), hands the handler plain values, and maps every error to a status.
import { getRequestUser, type CurrentUser } from "../auth/session";
import type { Locale } from "../i18n";
import { AppError } from "../errors";
import { errorResponse } from "./error-response";
import { requestLocale } from "./request";

export type HandlerArgs<P> = { req: Request; user: CurrentUser; params: P; locale: Locale };
type RouteContext<P> = { params: Promise<P> };

/**
 * Another way a route accepts a caller (a signed URL): the user it proves, undefined when
 * the request does not use it (the session is tried), or an AppError when it is bad.
 */
export type Authenticate<P> = (req: Request, params: P) => Promise<CurrentUser | undefined>;

export function withUser<P = Record<string, never>>(
  handler: (args: HandlerArgs<P>) => Promise<Response>,
  options: { authenticate?: Authenticate<P> } = {},
) {
  return async (req: Request, context: RouteContext<P>): Promise<Response> => {
    const locale = requestLocale(req.headers);
    try {
      const params = await context.params;
      const user = (await options.authenticate?.(req, params)) ?? (await getRequestUser(req));
      if (!user) throw new AppError("unauthenticated");
      return await handler({ req, user, params, locale });
    } catch (error) {
      return errorResponse(error, locale);
    }
  };
}
