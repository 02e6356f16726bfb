// Whether a schedule holds, for its owner: a cron expression that runs, a time zone this
// server knows, recipients the installation allows, and an export the owner may ask for
// with these options — checked by the same guard as a one-off export (prepare-export), so
// a schedule can never promise what a click would be refused. Every problem with a field
// is reported at once (422); a dataset the owner may not export is a 403.
import { ZodError } from "zod";
import type { CurrentUser } from "../auth/current-user";
import { AppError, fieldErrorsFromZod, invalidFields, type FieldError } from "../errors";
import type { ExportFormat } from "../export/formats";
import type { TExportOptions } from "../export/options";
import { ExportOptionsError } from "../export/plan";
import { prepareExport } from "../exports/prepare-export";
import { checkRecipients } from "./recipients";
import { checkCron, isTimeZone } from "./timing";

export type ScheduleDefinition = {
  datasetId: number;
  format: ExportFormat;
  options: Record<string, unknown>;
  cron: string;
  timezone: string;
  recipients: readonly string[];
};

export type CheckedSchedule = {
  datasetId: number;
  datasetTitle: string;
  format: ExportFormat;
  options: TExportOptions;
  cron: string;
  timezone: string;
  recipients: string[];
};

/** The options' own field names under `options.` (the format stays `format`). */
function optionFields(errors: readonly FieldError[]): FieldError[] {
  return errors.map((error) =>
    error.field === "format" || error.field.startsWith("options.")
      ? error
      : { ...error, field: `options.${error.field}` },
  );
}

/** What the export guard said about the options, as fields; rethrows refusals that are not about fields. */
function exportErrors(error: unknown): FieldError[] {
  if (error instanceof ZodError) return optionFields(fieldErrorsFromZod(error));
  if (error instanceof ExportOptionsError) return optionFields(error.errors);
  if (error instanceof AppError && error.code === "not_found") {
    return [{ field: "dataset_id", message: "no such dataset" }];
  }
  if (error instanceof AppError && error.code === "invalid" && error.options.errors) {
    return optionFields(error.options.errors);
  }
  throw error;
}

export async function checkSchedule(owner: CurrentUser, definition: ScheduleDefinition): Promise<CheckedSchedule> {
  const errors: FieldError[] = [];
  const cron = definition.cron.trim().replace(/\s+/g, " ");
  const cronCheck = checkCron(cron);
  if (!cronCheck.ok) errors.push({ field: "cron", message: cronCheck.reason });
  const given = definition.timezone.trim();
  const known = isTimeZone(given);
  if (!known) errors.push({ field: "timezone", message: `"${given}" is not a time zone this server knows` });
  // Kept as the zone database spells it ("asia/seoul" is Asia/Seoul).
  const timezone = known ? new Intl.DateTimeFormat("en", { timeZone: given }).resolvedOptions().timeZone : given;
  const recipients = checkRecipients(definition.recipients);
  errors.push(...recipients.errors);
  if (Array.isArray(definition.options.chart_images)) {
    errors.push({
      field: "options.chart_images",
      message: "charts are captured by the browser at the moment of a click; a scheduled report has none",
    });
  }

  let checked: { title: string; options: TExportOptions } | null = null;
  try {
    const prepared = await prepareExport(owner, definition.datasetId, definition.format, definition.options);
    checked = { title: prepared.dataset.title, options: prepared.options };
  } catch (error) {
    errors.push(...exportErrors(error));
  }
  if (errors.length > 0 || !checked) throw invalidFields(errors, "error.schedule.invalid");
  return {
    datasetId: definition.datasetId,
    datasetTitle: checked.title,
    format: definition.format,
    options: checked.options,
    cron,
    timezone,
    recipients: recipients.recipients,
  };
}
