// What the tokens page asks the server: the list, a new token (its secret answered once),
// a revoke. The browser session authenticates these calls.
import type { z } from "zod";
import type { TCreateToken, ZTokenCreated, ZTokenListItem } from "@/lib/tokens/token-schemas";

export type TokenCreated = z.infer<typeof ZTokenCreated>;
export type TokenListItem = z.infer<typeof ZTokenListItem>;

export class TokenRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fields: { field: string; message: string }[] = [],
  ) {
    super(message);
    this.name = "TokenRequestError";
  }
}

async function failure(response: Response, fallback: string): Promise<TokenRequestError> {
  const body = (await response.json().catch(() => null)) as {
    detail?: string;
    errors?: { field: string; message: string }[];
  } | null;
  return new TokenRequestError(body?.detail ?? fallback, response.status, body?.errors ?? []);
}

async function call(url: string, init: RequestInit, fallback: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, {
      cache: "no-store",
      ...init,
      headers: { Accept: "application/json", ...init.headers },
    });
  } catch {
    throw new TokenRequestError(fallback, 0);
  }
  if (!response.ok) throw await failure(response, fallback);
  return response;
}

export async function getTokens(fallback: string): Promise<TokenListItem[]> {
  return (await (await call("/api/tokens", {}, fallback)).json()) as TokenListItem[];
}

export async function postToken(body: TCreateToken, fallback: string): Promise<TokenCreated> {
  const response = await call(
    "/api/tokens",
    { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } },
    fallback,
  );
  return (await response.json()) as TokenCreated;
}

export async function deleteToken(id: string, fallback: string): Promise<void> {
  await call(`/api/tokens/${encodeURIComponent(id)}`, { method: "DELETE" }, fallback);
}
