"use client";
// The dataset page's "Manage" area, for the dataset's owner or an admin: edit its details
// (admins also its owner), import more rows into it (append or replace, in the same
// progress modal as the upload page), or delete it after a confirmation that says how many
// of its exports go with it.
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import type { TUpdateDataset } from "@/lib/datasets/dataset-schemas";
import { IMPORT_MODES, type ImportMode } from "@/lib/datasets/dataset-schemas";
import type { DatasetJson } from "@/lib/datasets/present-dataset";
import { formatNumber } from "@/lib/i18n";
import { useI18n } from "../i18n/i18n-provider";
import { ImportProgressModal } from "../imports/import-progress-modal";
import { Dialog } from "../ui/dialog";
import { useToast } from "../ui/toast";
import { isDateType, parseMaxRejected } from "../upload/column-draft";
import { DatasetDetailsFields } from "../upload/dataset-details-fields";
import { DropZone, UploadProgressBar } from "../upload/drop-zone";
import { refusalLines, uploadForm, UploadFailedError, type UploadProgress } from "../upload/upload-request";

export type ManagedDataset = Pick<
  DatasetJson,
  "id" | "title" | "description" | "owner_id" | "record_count" | "date_column" | "category_column" | "columns"
>;

type Owner = { id: number; name: string; email: string };

const BUTTON = "rounded-md border border-slate-300 px-4 py-2 text-sm text-slate-700 hover:bg-slate-50";
const PRIMARY =
  "rounded-md bg-brand-500 px-4 py-2 text-sm font-medium text-white hover:bg-brand-600 disabled:opacity-60";
const DANGER = "rounded-md bg-red-600 px-4 py-2 text-sm font-medium text-white hover:bg-red-700 disabled:opacity-60";

export function ManageDataset({
  dataset,
  owners,
  exportCount,
  maxFileBytes,
}: {
  dataset: ManagedDataset;
  /** Admins get the owner select: who may own it. Empty for everyone else. */
  owners: Owner[];
  /** How many exports of the dataset its deletion removes. */
  exportCount: number;
  maxFileBytes: number;
}) {
  const { t } = useI18n();
  const router = useRouter();
  const [open, setOpen] = useState<"edit" | "import" | "delete" | null>(null);
  const close = () => setOpen(null);
  function confirmDelete() {
    setOpen("delete");
    // The export count came with the page: an export job started since (a large export
    // from the buttons above, or one from another tab) must be in the sentence that says
    // which exports go with the dataset.
    router.refresh();
  }
  return (
    <section aria-labelledby="manage-heading" className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="manage-heading" className="text-lg font-semibold">
        {t("upload.manage.heading")}
      </h2>
      <p className="mt-1 text-sm text-slate-500">{t("upload.manage.intro")}</p>
      <div className="mt-3 flex flex-wrap gap-3">
        <button type="button" className={BUTTON} onClick={() => setOpen("edit")}>
          {t("upload.manage.edit")}
        </button>
        <button type="button" className={BUTTON} onClick={() => setOpen("import")}>
          {t("upload.manage.importMore")}
        </button>
        <button
          type="button"
          className="rounded-md border border-red-300 px-4 py-2 text-sm text-red-700 hover:bg-red-50"
          onClick={confirmDelete}
        >
          {t("upload.manage.delete")}
        </button>
      </div>
      {open === "edit" ? <EditDialog dataset={dataset} owners={owners} onClose={close} /> : null}
      {open === "import" ? <ImportMoreDialog dataset={dataset} maxFileBytes={maxFileBytes} onClose={close} /> : null}
      {open === "delete" ? <DeleteDialog dataset={dataset} exportCount={exportCount} onClose={close} /> : null}
    </section>
  );
}

async function send(url: string, method: "PATCH" | "DELETE", body: unknown | undefined, fallback: string) {
  try {
    const response = await fetch(url, {
      method,
      headers: { Accept: "application/json", ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.ok) return null;
    const answer = (await response.json().catch(() => null)) as unknown;
    return refusalLines(answer, fallback);
  } catch {
    return { detail: fallback, fields: [] };
  }
}

function ErrorLines({ error }: { error: { detail: string; fields: string[] } | null }) {
  if (!error) return null;
  return (
    <div role="alert" className="mt-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
      <p className="whitespace-pre-line">{error.detail}</p>
      {error.fields.length > 0 ? (
        <ul className="mt-1 list-disc pl-5">
          {error.fields.map((field, index) => (
            <li key={index}>{field}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Only what changed goes to the server (an unchanged field is left out). */
export function updateBody(
  dataset: ManagedDataset,
  draft: {
    title: string;
    description: string;
    labels: Record<string, string>;
    sensitive: Record<string, boolean>;
    dateColumn: string | null;
    categoryColumn: string | null;
    ownerId: number;
  },
): TUpdateDataset | null {
  const body: Record<string, unknown> = {};
  if (draft.title.trim() !== dataset.title) body.title = draft.title.trim();
  if (draft.description.trim() !== (dataset.description ?? "")) body.description = draft.description.trim();
  const columns = dataset.columns
    .map((c) => {
      const change: { key: string; label?: string; sensitive?: boolean } = { key: c.key };
      const label = (draft.labels[c.key] ?? c.label).trim();
      if (label !== c.label) change.label = label;
      const sensitive = draft.sensitive[c.key] ?? c.sensitive;
      if (sensitive !== c.sensitive) change.sensitive = sensitive;
      return change;
    })
    .filter((change) => Object.keys(change).length > 1);
  if (columns.length > 0) body.columns = columns;
  if (draft.dateColumn !== dataset.date_column) body.date_column = draft.dateColumn;
  if (draft.categoryColumn !== dataset.category_column) body.category_column = draft.categoryColumn;
  if (draft.ownerId !== dataset.owner_id) body.owner_id = draft.ownerId;
  return Object.keys(body).length > 0 ? (body as TUpdateDataset) : null;
}

function EditDialog({ dataset, owners, onClose }: { dataset: ManagedDataset; owners: Owner[]; onClose: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const router = useRouter();
  const ids = { date: useId(), category: useId(), owner: useId() };
  const [title, setTitle] = useState(dataset.title);
  const [description, setDescription] = useState(dataset.description ?? "");
  const [labels, setLabels] = useState<Record<string, string>>({});
  const [sensitive, setSensitive] = useState<Record<string, boolean>>({});
  const [dateColumn, setDateColumn] = useState(dataset.date_column);
  const [categoryColumn, setCategoryColumn] = useState(dataset.category_column);
  const [ownerId, setOwnerId] = useState(dataset.owner_id);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<{ detail: string; fields: string[] } | null>(null);
  const emptyLabel = dataset.columns.some((c) => (labels[c.key] ?? c.label).trim() === "");
  const invalid = title.trim() === "" || emptyLabel;

  async function save() {
    const body = updateBody(dataset, { title, description, labels, sensitive, dateColumn, categoryColumn, ownerId });
    if (!body) {
      toast.show(t("upload.manage.nothingChanged"));
      onClose();
      return;
    }
    setSaving(true);
    setError(null);
    const refused = await send(`/api/datasets/${dataset.id}`, "PATCH", body, t("error.internal"));
    setSaving(false);
    if (refused) {
      setError(refused);
      return;
    }
    toast.show(t("upload.manage.saved"), "success");
    onClose();
    router.refresh();
  }

  const inputClass = "mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm";
  return (
    <Dialog
      open
      onClose={onClose}
      title={t("upload.manage.edit.title")}
      closeLabel={t("upload.manage.close")}
      footer={
        <>
          <button type="button" className={BUTTON} onClick={onClose}>
            {t("upload.manage.cancel")}
          </button>
          <button type="button" className={PRIMARY} disabled={saving || invalid} onClick={() => void save()}>
            {saving ? t("upload.manage.saving") : t("upload.manage.save")}
          </button>
        </>
      }
    >
      <div className="space-y-4">
        <DatasetDetailsFields
          title={title}
          description={description}
          onTitle={setTitle}
          onDescription={setDescription}
          descriptionRows={3}
        />
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">{t("upload.columns.heading")}</legend>
          <ul className="mt-2 space-y-2">
            {dataset.columns.map((column) => {
              const label = labels[column.key] ?? column.label;
              return (
                <li key={column.key} className="flex flex-wrap items-center gap-x-3 gap-y-1">
                  <code className="w-full text-xs text-slate-500 sm:w-40 sm:truncate">{column.key}</code>
                  <input
                    value={label}
                    aria-label={t("upload.columns.labelFor", { name: column.key })}
                    aria-invalid={label.trim() === "" ? true : undefined}
                    maxLength={200}
                    onChange={(e) => setLabels((all) => ({ ...all, [column.key]: e.target.value }))}
                    className={`min-w-0 flex-1 rounded-md border px-2 py-1 text-sm ${label.trim() === "" ? "border-red-500" : "border-slate-300"}`}
                  />
                  <label className="flex items-center gap-1.5 text-sm text-slate-700">
                    <input
                      type="checkbox"
                      checked={sensitive[column.key] ?? column.sensitive}
                      onChange={(e) => setSensitive((all) => ({ ...all, [column.key]: e.target.checked }))}
                      className="size-4 rounded border-slate-300"
                    />
                    <span>{t("upload.columns.sensitive")}</span>
                    <span className="sr-only">({column.label})</span>
                  </label>
                </li>
              );
            })}
          </ul>
          {emptyLabel ? <p className="mt-1 text-xs text-red-700">{t("upload.columns.labelEmpty")}</p> : null}
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor={ids.date} className="text-sm font-medium text-slate-700">
              {t("upload.columns.dateColumn")}
            </label>
            <select
              id={ids.date}
              value={dateColumn ?? ""}
              onChange={(e) => setDateColumn(e.target.value || null)}
              className={inputClass}
            >
              <option value="">{t("upload.columns.dateNone")}</option>
              {dataset.columns
                .filter((c) => isDateType(c.type))
                .map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.label}
                  </option>
                ))}
            </select>
          </div>
          <div>
            <label htmlFor={ids.category} className="text-sm font-medium text-slate-700">
              {t("upload.columns.categoryColumn")}
            </label>
            <select
              id={ids.category}
              value={categoryColumn ?? ""}
              onChange={(e) => setCategoryColumn(e.target.value || null)}
              className={inputClass}
            >
              <option value="">{t("upload.columns.categoryNone")}</option>
              {dataset.columns
                .filter((c) => c.type !== "json")
                .map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.label}
                  </option>
                ))}
            </select>
          </div>
        </div>
        {owners.length > 0 ? (
          <div>
            <label htmlFor={ids.owner} className="text-sm font-medium text-slate-700">
              {t("upload.manage.edit.owner")}
            </label>
            <select
              id={ids.owner}
              value={ownerId}
              onChange={(e) => setOwnerId(Number(e.target.value))}
              className={inputClass}
            >
              {owners.map((owner) => (
                <option key={owner.id} value={owner.id}>
                  {owner.name} ({owner.email})
                </option>
              ))}
            </select>
            <p className="mt-1 text-xs text-slate-500">{t("upload.manage.edit.ownerHint")}</p>
          </div>
        ) : null}
        <ErrorLines error={error} />
      </div>
    </Dialog>
  );
}

function ImportMoreDialog({
  dataset,
  maxFileBytes,
  onClose,
}: {
  dataset: ManagedDataset;
  maxFileBytes: number;
  onClose: () => void;
}) {
  const { locale, t } = useI18n();
  const toast = useToast();
  const router = useRouter();
  const maxRejectedId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<ImportMode>("append");
  const [maxRejectedText, setMaxRejectedText] = useState("0");
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [error, setError] = useState<{ detail: string; fields: string[] } | null>(null);
  const [job, setJob] = useState<string | null>(null);
  const maxRejected = parseMaxRejected(maxRejectedText);

  async function submit() {
    if (!file || maxRejected === null) return;
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("metadata", JSON.stringify({ max_rejected_rows: maxRejected }));
    setError(null);
    setProgress({ sent: 0, total: file.size });
    try {
      const answer = await uploadForm("POST", `/api/datasets/${dataset.id}/import?mode=${mode}`, form, {
        onProgress: setProgress,
        size: file.size,
      });
      const body = answer.body as { job_id?: unknown } | null;
      if (answer.status >= 200 && answer.status < 300 && typeof body?.job_id === "string") setJob(body.job_id);
      else setError(refusalLines(answer.body, t("error.internal")));
    } catch (failure) {
      if (!(failure instanceof UploadFailedError && failure.aborted))
        setError({ detail: t("upload.inspect.network"), fields: [] });
    } finally {
      setProgress(null);
    }
  }

  if (job) {
    return (
      <ImportProgressModal
        jobId={job}
        onClose={onClose}
        onBack={() => setJob(null)}
        onCompleted={(done) => {
          toast.show(t("upload.manage.import.done", { count: formatNumber(locale, done.processed_rows) }), "success");
          onClose();
          router.refresh();
        }}
      />
    );
  }
  return (
    <Dialog
      open
      onClose={onClose}
      size="narrow"
      title={t("upload.manage.import.title")}
      closeLabel={t("upload.manage.close")}
      footer={
        <>
          <button type="button" className={BUTTON} onClick={onClose}>
            {t("upload.manage.cancel")}
          </button>
          <button
            type="button"
            className={PRIMARY}
            disabled={!file || maxRejected === null || progress !== null}
            onClick={() => void submit()}
          >
            {progress ? t("upload.import.uploading") : t("upload.manage.import.submit")}
          </button>
        </>
      }
    >
      <div className="space-y-4">
        <DropZone file={file} maxBytes={maxFileBytes} onFile={setFile} disabled={progress !== null} />
        <p className="text-xs text-slate-500">
          {t("upload.manage.import.columnsHint", { keys: dataset.columns.map((c) => c.key).join(", ") })}
        </p>
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">{t("upload.manage.import.mode")}</legend>
          {IMPORT_MODES.map((value) => (
            <label key={value} className="mt-1 flex items-start gap-2 text-sm text-slate-700">
              <input
                type="radio"
                name="import-mode"
                value={value}
                checked={mode === value}
                onChange={() => setMode(value)}
                className="mt-0.5"
              />
              <span>{t(`upload.manage.import.${value}`)}</span>
            </label>
          ))}
        </fieldset>
        <div>
          <label htmlFor={maxRejectedId} className="text-sm font-medium text-slate-700">
            {t("upload.details.maxRejected")}
          </label>
          <input
            id={maxRejectedId}
            type="number"
            min={0}
            step={1}
            value={maxRejectedText}
            aria-invalid={maxRejected === null ? true : undefined}
            onChange={(e) => setMaxRejectedText(e.target.value)}
            className="mt-1 block w-40 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          />
          <p className="mt-1 text-xs text-slate-500">
            {maxRejected === null ? t("upload.details.maxRejectedInvalid") : t("upload.details.maxRejectedHint")}
          </p>
        </div>
        {progress ? <UploadProgressBar sent={progress.sent} total={progress.total} /> : null}
        <ErrorLines error={error} />
      </div>
    </Dialog>
  );
}

/** The sentence of the confirmation that says what happens to the dataset's exports. */
export function exportsSentence(count: number, t: ReturnType<typeof useI18n>["t"], locale: "en" | "ko"): string {
  if (count === 0) return t("upload.manage.delete.noExports");
  if (count === 1) return t("upload.manage.delete.oneExport");
  return t("upload.manage.delete.exports", { count: formatNumber(locale, count) });
}

function DeleteDialog({
  dataset,
  exportCount,
  onClose,
}: {
  dataset: ManagedDataset;
  exportCount: number;
  onClose: () => void;
}) {
  const { locale, t } = useI18n();
  const toast = useToast();
  const router = useRouter();
  const [deleting, setDeleting] = useState(false);
  const [error, setError] = useState<{ detail: string; fields: string[] } | null>(null);

  async function remove() {
    setDeleting(true);
    setError(null);
    const refused = await send(`/api/datasets/${dataset.id}`, "DELETE", undefined, t("error.internal"));
    setDeleting(false);
    if (refused) {
      setError(refused);
      return;
    }
    toast.show(t("upload.manage.delete.done", { title: dataset.title }), "success");
    router.push("/datasets");
    router.refresh();
  }

  return (
    <Dialog
      open
      onClose={onClose}
      size="narrow"
      title={t("upload.manage.delete.title")}
      closeLabel={t("upload.manage.close")}
      footer={
        <>
          <button type="button" className={BUTTON} onClick={onClose}>
            {t("upload.manage.cancel")}
          </button>
          <button type="button" className={DANGER} disabled={deleting} onClick={() => void remove()}>
            {deleting ? t("upload.manage.delete.deleting") : t("upload.manage.delete.confirm")}
          </button>
        </>
      }
    >
      <div className="space-y-2 text-sm text-slate-700" data-testid="delete-confirmation">
        <p>
          {t("upload.manage.delete.body", { title: dataset.title, rows: formatNumber(locale, dataset.record_count) })}
        </p>
        <p className="font-medium">{exportsSentence(exportCount, t, locale)}</p>
        <ErrorLines error={error} />
      </div>
    </Dialog>
  );
}
