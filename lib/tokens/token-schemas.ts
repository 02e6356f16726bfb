// The shapes of the token API: what creating a personal access token asks and answers,
// and a token as the list shows it (never its secret). Shared by the routes, the settings
// page, the API document and the CLI.
import { z } from "zod";

/** Every token starts so: a scanner (and a person) can tell it from any other secret. */
export const TOKEN_PREFIX = "outport_pat_";

export const TOKEN_SCOPES = ["read", "export"] as const;
/** `read`: list, poll, look at history, download (safe methods only); `export`: all the role allows. */
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const TOKEN_EXPIRY_DAYS = [30, 90, 365] as const;

/** `POST /api/tokens`. `expires_in_days` null or left out: the token never expires. */
export const ZCreateToken = z.strictObject({
  name: z
    .string({ error: "must be text" })
    .trim()
    .min(1, { error: "must not be empty" })
    .max(100, { error: "at most 100 characters" }),
  expires_in_days: z
    .union([z.literal(30), z.literal(90), z.literal(365)], { error: "must be 30, 90 or 365" })
    .nullable()
    .optional(),
  scope: z.enum(TOKEN_SCOPES, { error: "must be read or export" }),
});
export type TCreateToken = z.infer<typeof ZCreateToken>;

/** The 201 of `POST /api/tokens`: the only time the secret is shown. */
export const ZTokenCreated = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(TOKEN_SCOPES),
  token: z.string(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
});

/** A token in `GET /api/tokens` (an admin's list holds everyone's). */
export const ZTokenListItem = z.object({
  id: z.string(),
  name: z.string(),
  scope: z.enum(TOKEN_SCOPES),
  /** The secret's first characters after the prefix, to tell tokens apart. */
  hint: z.string(),
  user_id: z.number(),
  user_email: z.string(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});
export const ZTokenList = z.array(ZTokenListItem);

/** `GET /api/me`: who the caller is, and how the request proved it. */
export const ZMe = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["admin", "manager", "viewer"]),
  credential: z.union([
    z.object({ kind: z.literal("session") }),
    z.object({ kind: z.literal("token"), token_id: z.string(), scope: z.enum(TOKEN_SCOPES) }),
  ]),
});
export type TMe = z.infer<typeof ZMe>;
