"use client";
// The datasets list's "New dataset" link. Someone whose role cannot create datasets sees
// it disabled with the reason as its title, and a click says the reason in a toast (as the
// export buttons do), without going anywhere.
import Link from "next/link";
import { useI18n } from "../i18n/i18n-provider";
import { useToast } from "../ui/toast";

export function NewDatasetButton({ allowed }: { allowed: boolean }) {
  const { t } = useI18n();
  const toast = useToast();
  const className = "inline-flex rounded-md px-4 py-2 text-sm font-medium";
  if (allowed) {
    return (
      <Link href="/datasets/new" className={`${className} bg-brand-500 text-white hover:bg-brand-600`}>
        {t("upload.new")}
      </Link>
    );
  }
  const reason = t("upload.denied");
  return (
    <button
      type="button"
      // aria-disabled rather than disabled: the click must still explain itself in a toast.
      aria-disabled
      title={reason}
      onClick={() => toast.show(reason, "error")}
      className={`${className} cursor-not-allowed bg-slate-200 text-slate-500`}
    >
      {t("upload.new")}
    </button>
  );
}
