// An upload request as the routes take it: the file received into the upload folder and
// its settings parsed with the route's schema. Settings come from the `metadata` part of a
// multipart body (JSON text) or, for a plain file body, from the query string — flat
// scalars (`title`, `format`, `header`, `max_rejected_rows`…) and `columns` / `metadata`
// as JSON text. Settings sent in the query are checked before the body is read; a refusal
// after the file is on disk removes it.
import type { z } from "zod";
import { config } from "../config";
import { AppError } from "../errors";
import { assertSafeInput } from "../text";
import { isMultipartRequest, receiveUpload } from "../uploads/receive-upload";
import { removeUpload, type ReceivedUpload } from "../uploads/upload-files";
import { searchParamsOf } from "./request";

/** Query parameters that are not settings: the import's mode, the file's name. */
const NOT_SETTINGS = new Set(["mode", "file_name"]);
/** Query parameters carrying JSON text. */
const JSON_PARAMS = new Set(["columns", "metadata"]);
const BOOLEAN_PARAMS = new Set(["header", "partial"]);
const INTEGER_PARAMS = new Set(["max_rejected_rows"]);
/** An empty value means "none" for these. */
const NULLABLE_PARAMS = new Set(["encoding", "delimiter", "sheet", "date_column", "category_column"]);

function jsonText(field: string, text: string): unknown {
  try {
    return assertSafeInput(JSON.parse(text) as unknown, field);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("invalid", "upload.error.metadata", { errors: [{ field, message: "must be valid JSON" }] });
  }
}

function jsonObject(field: string, text: string): Record<string, unknown> {
  const value = jsonText(field, text);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new AppError("invalid", "upload.error.metadata", { errors: [{ field, message: "must be a JSON object" }] });
  }
  return value as Record<string, unknown>;
}

/**
 * The settings a query string carries, typed as JSON would have them: `true`/`false` for
 * the booleans, digits for the whole numbers (anything else is left as text, for the schema
 * to refuse with its own message), JSON for `columns` and `metadata`.
 */
export function querySettings(url: string): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  let metadata: Record<string, unknown> = {};
  for (const [name, value] of searchParamsOf(url)) {
    if (NOT_SETTINGS.has(name)) continue;
    if (name === "metadata") metadata = jsonObject(name, value);
    else if (JSON_PARAMS.has(name)) settings[name] = jsonText(name, value);
    else if (BOOLEAN_PARAMS.has(name) && (value === "true" || value === "false")) settings[name] = value === "true";
    else if (INTEGER_PARAMS.has(name) && /^\d{1,15}$/.test(value)) settings[name] = Number(value);
    else if (NULLABLE_PARAMS.has(name) && value === "") settings[name] = null;
    else settings[name] = value;
  }
  return { ...metadata, ...settings };
}

export type UploadRequest<T> = { upload: ReceivedUpload; settings: T };

/**
 * Receives the file of `req` (up to the import limit) and parses its settings with
 * `schema`: a 422 naming the fields for bad settings, and then no file is left.
 */
export async function receiveUploadRequest<S extends z.ZodType>(
  req: Request,
  schema: S,
): Promise<UploadRequest<z.output<S>>> {
  const fromQuery = querySettings(req.url);
  const multipart = isMultipartRequest(req);
  // Settings that come only from the query are checked before a byte of the file is read.
  if (!multipart) schema.parse(fromQuery);
  const { upload, fields } = await receiveUpload(req, { maxBytes: config.imports.maxFileBytes });
  try {
    const fromPart = fields.metadata === undefined ? {} : jsonObject("metadata", fields.metadata);
    return { upload, settings: schema.parse({ ...fromQuery, ...fromPart }) };
  } catch (error) {
    await removeUpload(upload.key);
    throw error;
  }
}
