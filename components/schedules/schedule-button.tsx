"use client";
// "Schedule…" beside a dataset's export buttons: opens the schedules page's form with this
// dataset and the options applied on its page (kept per dataset in the browser, where the
// form reads them). Refused for the same reason as the export buttons, said on a click.
import Link from "next/link";
import { useI18n } from "../i18n/i18n-provider";
import { useToast } from "../ui/toast";

export function ScheduleButton({ datasetId, denied }: { datasetId: number; denied: string | null }) {
  const { t } = useI18n();
  const toast = useToast();
  if (denied)
    return (
      <button
        type="button"
        aria-disabled
        title={denied}
        onClick={() => toast.show(denied, "error")}
        className="cursor-not-allowed rounded-md border border-slate-200 px-4 py-2 text-sm text-slate-400"
        data-testid="schedule-button"
      >
        {t("schedules.button")}
      </button>
    );
  return (
    <Link
      href={`/schedules?new=${datasetId}`}
      className="rounded-md border border-slate-300 px-4 py-2 text-sm text-slate-700 hover:bg-slate-50"
      data-testid="schedule-button"
    >
      {t("schedules.button")}
    </Link>
  );
}
