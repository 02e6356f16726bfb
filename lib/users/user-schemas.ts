// The shapes of the user-management API (admins only): creating an account, changing its
// name, role or active flag, resetting its password, and a user as the list shows it; and
// of a user's own account settings (name, language).
// Shared by the routes, the admin page and the API document.
import { z } from "zod";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../auth/password-rules";
import { LOCALES } from "../i18n";

export const USER_ROLES = ["admin", "manager", "viewer"] as const;

const ZRole = z.enum(USER_ROLES, { error: "must be admin, manager or viewer" });

const ZName = z
  .string({ error: "must be text" })
  .trim()
  .min(1, { error: "must not be empty" })
  .max(200, { error: "at most 200 characters" });

/** A password an admin sets: the same length rule as one a user chooses. */
const ZPassword = z
  .string({ error: "must be text" })
  .min(PASSWORD_MIN_LENGTH, { error: `must have at least ${PASSWORD_MIN_LENGTH} characters` })
  .max(PASSWORD_MAX_LENGTH, { error: `can have at most ${PASSWORD_MAX_LENGTH} characters` });

/**
 * `POST /api/users`. Without `password` a one-time password is generated, answered once,
 * and must be changed at the first sign-in.
 */
export const ZCreateUser = z.strictObject({
  email: z
    .string({ error: "must be text" })
    .trim()
    .toLowerCase()
    .max(320, { error: "at most 320 characters" })
    .pipe(z.email({ error: "must be an e-mail address" })),
  name: ZName,
  role: ZRole,
  password: ZPassword.optional(),
});
export type TCreateUser = z.infer<typeof ZCreateUser>;

/** `PATCH /api/users/{id}`: at least one field. */
export const ZUpdateUser = z
  .strictObject({
    name: ZName.optional(),
    role: ZRole.optional(),
    active: z.boolean({ error: "must be true or false" }).optional(),
  })
  .refine((patch) => patch.name !== undefined || patch.role !== undefined || patch.active !== undefined, {
    error: "must name at least one of name, role, active",
  });
export type TUpdateUser = z.infer<typeof ZUpdateUser>;

/** `POST /api/users/{id}/password`. Without `password`: a new one-time password. */
export const ZResetPassword = z.strictObject({ password: ZPassword.optional() });
export type TResetPassword = z.infer<typeof ZResetPassword>;

/** A user as `GET /api/users` lists them, and as a change answers them. */
export const ZUser = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  role: z.enum(USER_ROLES),
  active: z.boolean(),
  must_change_password: z.boolean(),
  created_at: z.string(),
  /** When the user last signed in successfully; null: never. */
  last_sign_in_at: z.string().nullable(),
  /** Datasets they own (not deleted). */
  datasets: z.number(),
  /** Export jobs they started. */
  exports: z.number(),
});
export type TUser = z.infer<typeof ZUser>;
export const ZUserList = z.array(ZUser);

/**
 * The 201 of `POST /api/users` and the 200 of a reset: `password` is the one-time password
 * (shown this once), or null when the admin set the password.
 */
export const ZUserWithPassword = z.object({ user: ZUser, password: z.string().nullable() });
export type TUserWithPassword = z.infer<typeof ZUserWithPassword>;

/** A user's own account, as the account page changes it: their name, their language. At least one. */
export const ZUpdateAccount = z
  .strictObject({
    name: ZName.optional(),
    locale: z.enum(LOCALES, { error: "must be en or ko" }).optional(),
  })
  .refine((patch) => patch.name !== undefined || patch.locale !== undefined, {
    error: "must name at least one of name, locale",
  });
export type TUpdateAccount = z.infer<typeof ZUpdateAccount>;

/** One's own account as the account page shows it. */
export const ZAccount = z.object({ id: z.number(), email: z.string(), name: z.string(), locale: z.enum(LOCALES) });
export type TAccount = z.infer<typeof ZAccount>;
