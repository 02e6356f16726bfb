// Reading a request's query string and JSON body.
import { AppError } from "../errors";

export function searchParamsObject(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams.entries());
}

/** A JSON request body; an empty body is `{}`, a malformed one is a 422. */
export async function readJsonBody(req: Request): Promise<unknown> {
  const text = await req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid", "error.invalid", { errors: [{ field: "(body)", message: "must be valid JSON" }] });
  }
}
