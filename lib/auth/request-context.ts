// What the current request proved about its caller, kept for the code it runs without
// being passed down: withUser sets it around a route's handler, and recordAudit reads it so
// every event recorded during a token's request carries the token's id. Outside a request
// (a job worker, a script) there is none.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Credential } from "./current-user";

export type RequestContext = {
  credential?: Credential;
  /** The request's id (X-Request-Id), stored on the jobs it asks for. */
  requestId?: string;
};

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` with `context` as the current request's. */
export function runWithRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The current request's context, if the code runs inside one. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The id of the personal access token the current request is authenticated by, if any. */
export function currentTokenId(): string | undefined {
  const credential = storage.getStore()?.credential;
  return credential?.kind === "token" ? credential.tokenId : undefined;
}

/** The current request's id (or, in a worker, the id of the request that asked for the job). */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
