// A user changes their own account: their name and their language. The language is kept on
// the user (not only in the browser's cookie) so that what is written for them away from a
// page knows it. A name change is audited as user_updated, before → after, in the same
// transaction; a language change is a preference and is not.
import { recordAudit } from "../audit/audit";
import { inTransaction } from "../data/pg";
import { AppError } from "../errors";
import { ZUpdateAccount, type TAccount } from "./user-schemas";
import { lockAccount, updateAccountRow } from "./user-store";

/** Changes one's name and/or language: bad input is a 422 naming the field. */
export async function updateAccount(user: { id: number }, body: unknown, ip: string | null = null): Promise<TAccount> {
  const patch = ZUpdateAccount.parse(body);
  return inTransaction(async (db) => {
    const current = await lockAccount(user.id, db);
    if (!current) throw new AppError("unauthenticated");
    const renamed = patch.name !== undefined && patch.name !== current.name;
    const relocalised = patch.locale !== undefined && patch.locale !== current.locale;
    if (!renamed && !relocalised) return current;
    const updated = await updateAccountRow(user.id, patch, db);
    if (renamed) {
      await recordAudit(
        {
          action: "user_updated",
          actorId: user.id,
          targetId: user.id,
          details: { email: current.email, before: { name: current.name }, after: { name: updated.name } },
          ip,
        },
        db,
      );
    }
    return updated;
  });
}
