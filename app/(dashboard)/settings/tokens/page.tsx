import type { Metadata } from "next";
import { TokenSettings } from "@/components/tokens/token-settings";
import { can } from "@/lib/auth/permissions";
import { requirePageUser } from "@/lib/auth/session";
import { listTokens } from "@/lib/tokens/tokens";

export const metadata: Metadata = { title: "Access tokens" };

export default async function TokensPage() {
  const user = await requirePageUser();
  // The list is rendered here; creating and revoking then ask the API (the session).
  const initial = await listTokens(user);
  return <TokenSettings isAdmin={can(user, "tokens.any")} canExportScope={can(user, "export.own")} initial={initial} />;
}
