// What the users admin page asks the server: the list, a new account, a change of role or
// active flag, a password reset. Answers are checked against the API's own wire schemas,
// so a change of shape fails here, loudly, rather than as a blank cell. The browser
// session authenticates these calls.
import type { z } from "zod";
import {
  ZUser,
  ZUserList,
  ZUserWithPassword,
  type TCreateUser,
  type TResetPassword,
  type TUpdateUser,
  type TUser,
  type TUserWithPassword,
} from "@/lib/users/user-schemas";

export type FieldError = { field: string; message: string };

/** A refused call: the server's message, its status (0: no answer) and its field errors. */
export class UsersRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = "UsersRequestError";
  }
}

async function call<T>(url: string, init: RequestInit, schema: z.ZodType<T>, fallback: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      cache: "no-store",
      ...init,
      headers: { Accept: "application/json", ...(init.body ? { "Content-Type": "application/json" } : {}) },
    });
  } catch {
    throw new UsersRequestError(fallback, 0);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body ?? {}) as { detail?: unknown; errors?: unknown };
    const fields = Array.isArray(error.errors)
      ? error.errors.filter(
          (item): item is FieldError =>
            typeof item === "object" &&
            item !== null &&
            typeof item.field === "string" &&
            typeof item.message === "string",
        )
      : [];
    throw new UsersRequestError(typeof error.detail === "string" ? error.detail : fallback, response.status, fields);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new UsersRequestError(fallback, response.status);
  return parsed.data;
}

export function fetchUsers(fallback: string): Promise<TUser[]> {
  return call("/api/users", {}, ZUserList, fallback);
}

export function createUser(body: TCreateUser, fallback: string): Promise<TUserWithPassword> {
  return call("/api/users", { method: "POST", body: JSON.stringify(body) }, ZUserWithPassword, fallback);
}

export function updateUser(id: number, patch: TUpdateUser, fallback: string): Promise<TUser> {
  return call(`/api/users/${id}`, { method: "PATCH", body: JSON.stringify(patch) }, ZUser, fallback);
}

export function resetUserPassword(id: number, body: TResetPassword, fallback: string): Promise<TUserWithPassword> {
  return call(`/api/users/${id}/password`, { method: "POST", body: JSON.stringify(body) }, ZUserWithPassword, fallback);
}
