import type { Metadata } from "next";
import Link from "next/link";
import { NewDatasetFlow } from "@/components/upload/new-dataset-flow";
import { can } from "@/lib/auth/permissions";
import { requirePageUser } from "@/lib/auth/session";
import { config } from "@/lib/config";
import { getTranslator } from "@/lib/i18n/server";

export const metadata: Metadata = { title: "New dataset" };

export default async function NewDatasetPage() {
  const [user, { t }] = await Promise.all([requirePageUser(), getTranslator()]);
  const allowed = can(user, "datasets.create");
  return (
    <div className="space-y-6">
      <div>
        <Link href="/datasets" className="text-sm text-brand-700 hover:underline">
          ← {t("dataset.back")}
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">{t("upload.title")}</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">{t("upload.subtitle")}</p>
      </div>
      {allowed ? (
        <NewDatasetFlow
          limits={{
            maxFileBytes: config.imports.maxFileBytes,
            inspectSampleBytes: config.imports.inspectSampleBytes,
          }}
        />
      ) : (
        // A viewer may open the page by its address: the reason, not the form.
        <p
          role="alert"
          className="rounded-lg border border-slate-200 bg-white p-6 text-slate-700 shadow-sm"
          data-testid="upload-denied"
        >
          {t("upload.denied")}
        </p>
      )}
    </div>
  );
}
