"use client";
// Where a file is dropped or chosen. The "Choose file" button opens the browser's picker
// (so the keyboard gets there with Tab and Enter); a file of a kind Outport cannot read, an
// empty one or one over the size limit is refused here, before a byte is sent.
import { useId, useRef, useState } from "react";
import { useI18n } from "../i18n/i18n-provider";
import { formatFileSize } from "@/lib/format-size";
import { ACCEPTED_EXTENSIONS, isAcceptedFile } from "./file-kind";

export function DropZone({
  file,
  maxBytes,
  onFile,
  disabled = false,
}: {
  file: File | null;
  maxBytes: number;
  onFile: (file: File) => void;
  disabled?: boolean;
}) {
  const { t } = useI18n();
  const inputId = useId();
  const hintId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);

  function take(candidate: File | undefined) {
    if (!candidate) return;
    const name = candidate.name;
    if (!isAcceptedFile(name)) setRefusal(t("upload.drop.badType", { name }));
    else if (candidate.size === 0) setRefusal(t("upload.drop.empty", { name }));
    else if (candidate.size > maxBytes)
      setRefusal(
        t("upload.drop.tooLarge", { name, size: formatFileSize(candidate.size), limit: formatFileSize(maxBytes) }),
      );
    else {
      setRefusal(null);
      onFile(candidate);
    }
  }

  return (
    <div
      data-testid="drop-zone"
      onDragOver={(event) => {
        if (disabled) return;
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        if (!disabled) take(event.dataTransfer.files[0]);
      }}
      className={`rounded-lg border-2 border-dashed px-4 py-8 text-center transition ${
        over ? "border-brand-500 bg-brand-50" : "border-slate-300 bg-white"
      }`}
    >
      <p className="font-medium text-slate-800">{t("upload.drop.label")}</p>
      <p id={hintId} className="mt-1 text-sm text-slate-500">
        {t("upload.drop.hint", { size: formatFileSize(maxBytes) })}
      </p>
      {/* Out of the accessibility tree (display: none): Chromium exposes a file input as a
          second "Choose file" button; the visible button below is the one to use. */}
      <input
        ref={input}
        id={inputId}
        type="file"
        accept={ACCEPTED_EXTENSIONS.join(",")}
        aria-label={t("upload.drop.choose")}
        className="hidden"
        tabIndex={-1}
        disabled={disabled}
        onChange={(event) => {
          take(event.target.files?.[0]);
          // The same file chosen again (after fixing it on disk) must still count as a choice.
          event.target.value = "";
        }}
      />
      <button
        type="button"
        disabled={disabled}
        aria-describedby={hintId}
        onClick={() => input.current?.click()}
        className="mt-4 rounded-md bg-brand-500 px-4 py-2 text-sm font-medium text-white hover:bg-brand-600 disabled:opacity-60"
      >
        {file ? t("upload.drop.change") : t("upload.drop.choose")}
      </button>
      {file ? (
        <p className="mt-3 break-all text-sm text-slate-700" data-testid="chosen-file">
          {t("upload.drop.selected", { name: file.name, size: formatFileSize(file.size) })}
        </p>
      ) : null}
      {refusal ? (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {refusal}
        </p>
      ) : null}
    </div>
  );
}

/** Bytes sent of an upload, as a bar and in words. */
export function UploadProgressBar({ sent, total }: { sent: number; total: number }) {
  const { t } = useI18n();
  const percent = total > 0 ? Math.min(100, Math.round((sent / total) * 100)) : 0;
  const words = t("upload.progress.sent", {
    sent: formatFileSize(sent),
    total: formatFileSize(total),
    percent,
  });
  return (
    <div className="space-y-1" data-testid="upload-progress">
      <div className="h-2 w-full overflow-hidden rounded-full bg-slate-200">
        <div
          role="progressbar"
          aria-label={t("upload.progress.label")}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={words}
          style={{ width: `${percent}%` }}
          className="h-full rounded-full bg-brand-500 transition-[width]"
        />
      </div>
      <p className="text-sm text-slate-600">{words}</p>
    </div>
  );
}
