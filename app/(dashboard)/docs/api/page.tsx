// /docs/api – the API document (GET /api/openapi.json) as a reference to read, for anyone
// signed in. The viewer is bundled with the app and asks nothing of any other site.
import type { Metadata } from "next";
import { ApiReference } from "@/components/api-doc/api-reference";
import { openApiDocument } from "@/lib/http/openapi/document";
import { getTranslator } from "@/lib/i18n/server";

export const metadata: Metadata = { title: "API reference" };

export default async function ApiDocPage() {
  const { t } = await getTranslator();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{t("apiDoc.title")}</h1>
          <p className="mt-1 text-sm text-slate-600">{t("apiDoc.subtitle")}</p>
        </div>
        <a className="text-sm font-medium text-indigo-700 hover:underline" href="/api/openapi.json" download>
          {t("apiDoc.download")}
        </a>
      </div>
      <ApiReference document={JSON.stringify(openApiDocument())} loading={t("apiDoc.loading")} />
    </div>
  );
}
