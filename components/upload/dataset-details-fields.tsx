"use client";
// A dataset's title and description as a person types them: on the upload page before the
// import and in the dataset page's edit dialog, with the same limits the API keeps (an
// empty title is said at once, beside the field).
import { useId } from "react";
import { useI18n } from "../i18n/i18n-provider";

type Props = {
  title: string;
  description: string;
  onTitle: (title: string) => void;
  onDescription: (description: string) => void;
  /** Lines the description box shows. */
  descriptionRows?: number;
};

const INPUT = "mt-1 block w-full rounded-md border px-2 py-1.5 text-sm";

export function DatasetDetailsFields({ title, description, onTitle, onDescription, descriptionRows = 2 }: Props) {
  const { t } = useI18n();
  const ids = { title: useId(), description: useId() };
  const titleEmpty = title.trim() === "";
  return (
    <>
      <div>
        <label htmlFor={ids.title} className="text-sm font-medium text-slate-700">
          {t("upload.details.title")}
        </label>
        <input
          id={ids.title}
          type="text"
          value={title}
          maxLength={200}
          aria-invalid={titleEmpty ? true : undefined}
          onChange={(event) => onTitle(event.target.value)}
          className={`${INPUT} ${titleEmpty ? "border-red-500" : "border-slate-300"}`}
        />
        {titleEmpty ? <p className="mt-1 text-xs text-red-700">{t("upload.details.titleEmpty")}</p> : null}
      </div>
      <div>
        <label htmlFor={ids.description} className="text-sm font-medium text-slate-700">
          {t("upload.details.description")}
        </label>
        <textarea
          id={ids.description}
          value={description}
          maxLength={2000}
          rows={descriptionRows}
          onChange={(event) => onDescription(event.target.value)}
          className={`${INPUT} border-slate-300`}
        />
      </div>
    </>
  );
}
