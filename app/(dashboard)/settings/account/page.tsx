// One's own account, for every role: the name, the password (with the current one, the same
// form as the change-password page) and the language.
import type { Metadata } from "next";
import { ChangePasswordForm } from "@/components/auth/change-password-form";
import { LanguageForm, NameForm } from "@/components/users/account-settings";
import { PASSWORD_MIN_LENGTH } from "@/lib/auth/password-rules";
import { requirePageUser } from "@/lib/auth/session";
import { getTranslator } from "@/lib/i18n/server";
import { getAccount } from "@/lib/users/get-account";

const CARD = "min-w-0 rounded-lg border border-slate-200 bg-white p-4 sm:p-6";

export async function generateMetadata(): Promise<Metadata> {
  const { t } = await getTranslator();
  return { title: t("account.title") };
}

export default async function AccountPage() {
  const user = await requirePageUser();
  const [account, { locale, t }] = await Promise.all([getAccount(user), getTranslator()]);
  return (
    <div className="min-w-0 max-w-2xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">{t("account.title")}</h1>
        <p className="mt-1 text-sm text-slate-600">{t("account.intro")}</p>
      </div>
      <section aria-labelledby="account-name" className={CARD}>
        <h2 id="account-name" className="mb-3 text-lg font-semibold">
          {t("account.name.title")}
        </h2>
        <NameForm account={account} />
      </section>
      <section aria-labelledby="account-language" className={CARD}>
        <h2 id="account-language" className="mb-3 text-lg font-semibold">
          {t("account.language.title")}
        </h2>
        {/* The page's own language, not the stored one: they differ when the cookie chose. */}
        <LanguageForm current={locale} />
      </section>
      <section aria-labelledby="account-password" className={CARD}>
        <h2 id="account-password" className="mb-3 text-lg font-semibold">
          {t("account.password.title")}
        </h2>
        <ChangePasswordForm minLength={PASSWORD_MIN_LENGTH} next="/settings/account" autoFocus={false} />
      </section>
    </div>
  );
}
