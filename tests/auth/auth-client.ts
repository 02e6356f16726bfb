// Drives the real /api/auth/* route handler with real Requests, as a browser would.
import { GET, POST } from "@/app/api/auth/[...nextauth]/route";
import { routeContext } from "../helpers/auth";

export const APP = "http://127.0.0.1:3000";

export type AuthCall = { method?: "GET" | "POST"; headers?: Record<string, string>; body?: BodyInit };

export async function callAuth(path: string, { method = "GET", headers = {}, body }: AuthCall = {}): Promise<Response> {
  const url = new URL(`/api/auth/${path}`, APP);
  const nextauth = url.pathname.split("/").slice(3).filter(Boolean);
  const req = new Request(url, { method, headers: { host: new URL(APP).host, ...headers }, body });
  return (method === "GET" ? GET : POST)(req, routeContext({ nextauth }));
}

/** The cookies a response sets, as a Cookie header. */
export function cookiesFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0])
    .join("; ");
}

export type Csrf = { csrfToken: string; cookie: string };

export async function csrf(): Promise<Csrf> {
  const response = await callAuth("csrf");
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { csrfToken, cookie: cookiesFrom(response) };
}

/** What the sign-in form posts (next-auth's client, `redirect: false`). */
export async function postCredentials(
  email: string,
  password: string,
  { ip, token, extra = {} }: { ip: string; token: Csrf; extra?: Record<string, string> },
): Promise<Response> {
  return callAuth("callback/credentials", {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: token.cookie,
      "x-outport-peer": ip,
    },
    body: new URLSearchParams({
      email,
      password,
      csrfToken: token.csrfToken,
      callbackUrl: `${APP}/datasets`,
      json: "true",
      ...extra,
    }),
  });
}

export function setsSession(response: Response): boolean {
  return response.headers.getSetCookie().some((cookie) => /^next-auth\.session-token=[^;]/.test(cookie));
}
