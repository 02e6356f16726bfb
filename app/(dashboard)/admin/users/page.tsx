// The users admin page: every account with its role and state, rendered here; creating,
// changing and resetting then ask the users API (the session). Anyone but an admin gets a 404.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { UsersAdmin } from "@/components/users/users-admin";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password-rules";
import { can } from "@/lib/auth/permissions";
import { requirePageUser } from "@/lib/auth/session";
import { getTranslator } from "@/lib/i18n/server";
import { listUsers } from "@/lib/users/manage-users";

async function requireUserAdmin() {
  const user = await requirePageUser();
  if (!can(user, "users.manage")) notFound();
  return user;
}

export async function generateMetadata(): Promise<Metadata> {
  await requireUserAdmin();
  const { t } = await getTranslator();
  return { title: t("users.title") };
}

export default async function UsersPage() {
  const user = await requireUserAdmin();
  const initial = await listUsers();
  return <UsersAdmin initial={initial} currentUserId={user.id} minPasswordLength={PASSWORD_MIN_LENGTH} />;
}
