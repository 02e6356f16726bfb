"use client";
// The upload page's step flow: choose a file → inspect it (only the first few MB of a
// text file travel for this) → edit the columns beside a typed preview → import the whole
// file as a background job, shown in the same progress modal as exports, which opens the
// new dataset when its rows are in.
import { useRouter } from "next/navigation";
import { useId, useMemo, useRef, useState } from "react";
import { ZImportAccepted, type TReadOverrides } from "@/lib/datasets/dataset-schemas";
import { useI18n } from "../i18n/i18n-provider";
import { formatFileSize } from "@/lib/format-size";
import { ImportProgressModal } from "../imports/import-progress-modal";
import { Spinner } from "../ui/spinner";
import { ColumnEditor } from "./column-editor";
import { DatasetDetailsFields } from "./dataset-details-fields";
import {
  categoryColumnChoices,
  columnProblems,
  dateColumnChoices,
  draftsFrom,
  firstDateColumn,
  includedColumns,
  keepChoice,
  parseMaxRejected,
  toImportColumns,
  type ColumnDraft,
} from "./column-draft";
import { DropZone, UploadProgressBar } from "./drop-zone";
import { isTextFile, titleFromFileName } from "./file-kind";
import { choicesOf, type InspectAnswer } from "./inspect-result";
import { ReadChoices } from "./read-choices";
import { TypedPreview } from "./typed-preview";
import { refusalLines, uploadForm, UploadFailedError, type UploadProgress } from "./upload-request";

export type UploadLimits = { maxFileBytes: number; inspectSampleBytes: number };

type Refusal = { heading: string; detail: string; fields: string[]; where?: "inspect" | "import" };

const STEPS = ["file", "inspect", "columns", "import"] as const;

export function NewDatasetFlow({ limits }: { limits: UploadLimits }) {
  const { t } = useI18n();
  const router = useRouter();
  const ids = { maxRejected: useId(), maxRejectedHint: useId() };
  const [file, setFile] = useState<File | null>(null);
  const [answer, setAnswer] = useState<InspectAnswer | null>(null);
  const [partial, setPartial] = useState(false);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [phase, setPhase] = useState<"idle" | "inspecting" | "importing">("idle");
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [columns, setColumns] = useState<ColumnDraft[]>([]);
  const [dateColumn, setDateColumn] = useState<string | null>(null);
  const [categoryColumn, setCategoryColumn] = useState<string | null>(null);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [maxRejectedText, setMaxRejectedText] = useState("0");
  const [job, setJob] = useState<string | null>(null);
  const upload = useRef<AbortController | null>(null);

  const problems = useMemo(() => columnProblems(columns), [columns]);
  const maxRejected = parseMaxRejected(maxRejectedText);
  const titleEmpty = title.trim() === "";
  const noColumns = answer !== null && includedColumns(columns).length === 0;
  const canImport =
    answer !== null && problems.size === 0 && !noColumns && maxRejected !== null && !titleEmpty && phase === "idle";
  const step = !file ? 0 : !answer ? 1 : job ? 3 : 2;

  async function send(url: string, form: FormData, size: number, where: "inspect" | "import") {
    const heading = where === "inspect" ? t("upload.inspect.failed") : t("upload.import.failed");
    const controller = new AbortController();
    upload.current = controller;
    setRefusal(null);
    setProgress({ sent: 0, total: size });
    try {
      const answer = await uploadForm("POST", url, form, { onProgress: setProgress, signal: controller.signal, size });
      if (answer.status >= 200 && answer.status < 300) return answer.body;
      setRefusal({ heading, where, ...refusalLines(answer.body, t("error.internal")) });
    } catch (error) {
      if (!(error instanceof UploadFailedError && error.aborted))
        setRefusal({ heading, where, detail: t("upload.inspect.network"), fields: [] });
    } finally {
      upload.current = null;
      setProgress(null);
    }
    return null;
  }

  async function inspect(chosen: File, overrides: TReadOverrides) {
    // A text file is read from its start: the first few MB say everything inspect needs.
    const cut = isTextFile(chosen.name) && chosen.size > limits.inspectSampleBytes;
    const body = cut ? chosen.slice(0, limits.inspectSampleBytes) : chosen;
    const form = new FormData();
    form.append("file", body, chosen.name);
    form.append("metadata", JSON.stringify({ ...overrides, ...(cut ? { partial: true } : {}) }));
    setPhase("inspecting");
    const result = (await send("/api/datasets/inspect", form, body.size, "inspect")) as InspectAnswer | null;
    setPhase("idle");
    if (!result) return;
    // The same file read again keeps the person's edits; a new file starts afresh.
    const again = result.columns.length > 0 && columns.length > 0 && file === chosen;
    const drafts = draftsFrom(result.columns, again ? columns : []);
    setAnswer(result);
    setPartial(cut);
    setColumns(drafts);
    setDateColumn((current) => (again ? keepChoice(current, dateColumnChoices(drafts)) : firstDateColumn(drafts)));
    setCategoryColumn((current) => (again ? keepChoice(current, categoryColumnChoices(drafts)) : null));
  }

  function choose(chosen: File) {
    upload.current?.abort();
    setFile(chosen);
    setAnswer(null);
    setColumns([]);
    setTitle(titleFromFileName(chosen.name));
    void inspect(chosen, {});
  }

  function changeColumn(index: number, change: Partial<ColumnDraft>) {
    const next = columns.map((column, i) => (i === index ? { ...column, ...change } : column));
    const before = columns[index];
    // A date or category column follows its key when renamed, and is let go when its new
    // type can no longer be one.
    const follow = (key: string | null) =>
      before && key === before.key && change.key !== undefined ? change.key : key;
    setColumns(next);
    setDateColumn((current) => keepChoice(follow(current), dateColumnChoices(next)));
    setCategoryColumn((current) => keepChoice(follow(current), categoryColumnChoices(next)));
  }

  async function startImport() {
    if (!file || !answer || !canImport) return;
    const form = new FormData();
    form.append("file", file, file.name);
    form.append(
      "metadata",
      JSON.stringify({
        ...choicesOf(answer),
        title: title.trim(),
        description: description.trim(),
        columns: toImportColumns(columns),
        date_column: dateColumn,
        category_column: categoryColumn,
        max_rejected_rows: maxRejected,
      }),
    );
    setPhase("importing");
    const body = await send("/api/datasets", form, file.size, "import");
    setPhase("idle");
    if (!body) return;
    const accepted = ZImportAccepted.safeParse(body);
    if (!accepted.success) {
      setRefusal({ heading: t("upload.import.failed"), where: "import", detail: t("error.internal"), fields: [] });
      return;
    }
    setJob(accepted.data.job_id);
  }

  const sectionClass = "rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-5";
  const headingClass = "mb-3 text-lg font-semibold";

  return (
    <div className="space-y-6">
      <ol aria-label={t("upload.steps")} className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
        {STEPS.map((name, index) => (
          <li
            key={name}
            aria-current={index === step ? "step" : undefined}
            className={
              index === step ? "font-semibold text-brand-700" : index < step ? "text-slate-700" : "text-slate-500"
            }
          >
            {index + 1}. {t(`upload.step.${name}`)}
          </li>
        ))}
      </ol>

      <section aria-labelledby="step-file" className={sectionClass}>
        <h2 id="step-file" className={headingClass}>
          1. {t("upload.step.file")}
        </h2>
        <DropZone file={file} maxBytes={limits.maxFileBytes} onFile={choose} disabled={phase === "importing"} />
      </section>

      {file ? (
        <section aria-labelledby="step-inspect" className={sectionClass} aria-busy={phase === "inspecting"}>
          <h2 id="step-inspect" className={headingClass}>
            2. {t("upload.inspect.heading")}
          </h2>
          {phase === "inspecting" ? (
            <div className="mb-3 space-y-2">
              {progress && progress.sent < progress.total ? (
                <UploadProgressBar sent={progress.sent} total={progress.total} />
              ) : (
                <Spinner label={t("upload.progress.inspecting")} />
              )}
            </div>
          ) : null}
          {refusal && phase === "idle" && !answer ? <RefusalBox refusal={refusal} /> : null}
          {refusal && phase === "idle" && !answer ? (
            <button
              type="button"
              onClick={() => void inspect(file, {})}
              className="mt-3 rounded-md border border-slate-300 px-4 py-1.5 text-sm hover:bg-slate-50"
            >
              {t("upload.inspect.retry")}
            </button>
          ) : null}
          {answer ? (
            <>
              <ReadChoices
                answer={answer}
                busy={phase !== "idle"}
                onChange={(change) => void inspect(file, { ...choicesOf(answer), ...change })}
              />
              {partial ? (
                <p className="mt-3 text-xs text-slate-500">
                  {t("upload.inspect.partial", { size: formatFileSize(limits.inspectSampleBytes) })}
                </p>
              ) : null}
              {refusal?.where === "inspect" && phase === "idle" ? (
                <div className="mt-3">
                  <RefusalBox refusal={refusal} />
                </div>
              ) : null}
            </>
          ) : null}
        </section>
      ) : null}

      {answer ? (
        <section aria-labelledby="step-columns" className={sectionClass}>
          <h2 id="step-columns" className={headingClass}>
            3. {t("upload.columns.heading")}
          </h2>
          <div className="space-y-6">
            <div className="grid gap-4 lg:grid-cols-2">
              <DatasetDetailsFields
                title={title}
                description={description}
                onTitle={setTitle}
                onDescription={setDescription}
              />
            </div>
            <ColumnEditor
              columns={columns}
              problems={problems}
              dateColumn={dateColumn}
              categoryColumn={categoryColumn}
              onColumn={changeColumn}
              onDateColumn={setDateColumn}
              onCategoryColumn={setCategoryColumn}
            />
            <div>
              <h3 className="mb-2 font-medium text-slate-800">{t("upload.preview.heading")}</h3>
              <TypedPreview columns={includedColumns(columns)} rows={answer.sample_rows} />
            </div>
          </div>
        </section>
      ) : null}

      {answer ? (
        <section aria-labelledby="step-import" className={sectionClass}>
          <h2 id="step-import" className={headingClass}>
            4. {t("upload.step.import")}
          </h2>
          <div className="max-w-md">
            <label htmlFor={ids.maxRejected} className="text-sm font-medium text-slate-700">
              {t("upload.details.maxRejected")}
            </label>
            <input
              id={ids.maxRejected}
              type="number"
              inputMode="numeric"
              min={0}
              max={10_000_000}
              step={1}
              value={maxRejectedText}
              aria-invalid={maxRejected === null ? true : undefined}
              aria-describedby={ids.maxRejectedHint}
              onChange={(event) => setMaxRejectedText(event.target.value)}
              className={`mt-1 block w-40 rounded-md border px-2 py-1.5 text-sm ${maxRejected === null ? "border-red-500" : "border-slate-300"}`}
            />
            {maxRejected === null ? (
              <p className="mt-1 text-xs text-red-700">{t("upload.details.maxRejectedInvalid")}</p>
            ) : null}
            <p id={ids.maxRejectedHint} className="mt-1 text-xs text-slate-500">
              {t("upload.details.maxRejectedHint")}
            </p>
          </div>
          {refusal?.where === "import" && phase === "idle" ? (
            <div className="mt-4">
              <RefusalBox refusal={refusal} />
            </div>
          ) : null}
          {phase === "importing" && progress ? (
            <div className="mt-4">
              <UploadProgressBar sent={progress.sent} total={progress.total} />
            </div>
          ) : null}
          <div className="mt-4 flex flex-wrap items-center gap-3">
            <button
              type="button"
              disabled={!canImport}
              onClick={() => void startImport()}
              className="rounded-md bg-brand-500 px-5 py-2 text-sm font-medium text-white hover:bg-brand-600 disabled:cursor-not-allowed disabled:opacity-50"
            >
              {phase === "importing" ? t("upload.import.uploading") : t("upload.import.submit")}
            </button>
            {phase === "importing" ? (
              <button
                type="button"
                onClick={() => upload.current?.abort()}
                className="rounded-md border border-slate-300 px-4 py-2 text-sm hover:bg-slate-50"
              >
                {t("upload.progress.cancel")}
              </button>
            ) : null}
            {problems.size > 0 ? <p className="text-sm text-red-700">{t("upload.columns.fix")}</p> : null}
            {noColumns ? <p className="text-sm text-red-700">{t("upload.columns.noneIncluded")}</p> : null}
          </div>
        </section>
      ) : null}

      {job ? (
        <ImportProgressModal
          jobId={job}
          onClose={() => setJob(null)}
          onBack={() => setJob(null)}
          onCompleted={(done) => router.push(done.dataset_url ?? `/datasets/${done.dataset_id}`)}
        />
      ) : null}
    </div>
  );
}

export function RefusalBox({ refusal }: { refusal: Refusal }) {
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-900">
      <p className="font-medium">{refusal.heading}</p>
      <p className="mt-1 whitespace-pre-line">{refusal.detail}</p>
      {refusal.fields.length > 0 ? (
        <ul className="mt-1 list-disc pl-5">
          {refusal.fields.map((field, index) => (
            <li key={index}>{field}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
