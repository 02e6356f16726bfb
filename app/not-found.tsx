import Link from "next/link";
import { getTranslator } from "@/lib/i18n/server";

export default async function NotFound() {
  const { t } = await getTranslator();
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">{t("error.notFoundTitle")}</h1>
      <p className="mt-2 text-slate-600">{t("error.notFound")}</p>
      <Link
        href="/datasets"
        className="mt-6 inline-block rounded-md bg-brand-500 px-4 py-2 text-white hover:bg-brand-600"
      >
        {t("error.home")}
      </Link>
    </main>
  );
}
