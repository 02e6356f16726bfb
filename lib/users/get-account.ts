// One's own account as the account page shows it: name, e-mail, language.
import { AppError } from "../errors";
import type { TAccount } from "./user-schemas";
import { findAccount } from "./user-store";

/** An unknown user: 401, as any request of theirs would be. */
export async function getAccount(user: { id: number }): Promise<TAccount> {
  const row = await findAccount(user.id);
  if (!row) throw new AppError("unauthenticated");
  return row;
}
