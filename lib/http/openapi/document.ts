// The API document: OpenAPI 3.1, built from the same zod schemas the routes parse their
// input with and the presenters' schemas of what they answer. `GET /api/openapi.json`
// serves it and `/docs/api` shows it. Every route module's implemented methods are here
// (tests/api/openapi.test.ts walks app/api and fails on one left out).
//
// Schemas are named with zod's own `.meta({ id })` (read by zod-to-openapi since its v8),
// so nothing depends on zod's prototype being extended before the schemas are made.
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { ZAuditFilterSchema, ZAuditPage, ZAuditQuerySchema } from "../../audit/list";
import {
  IMPORT_MODES,
  ZCreateDataset,
  ZImportAccepted,
  ZImportModeQuery,
  ZImportRows,
  ZImportStatusResponse,
  ZInspectRequest,
  ZUpdateDataset,
} from "../../datasets/dataset-schemas";
import { ZDatasetDeleted, ZDatasetResponse } from "../../datasets/present-dataset";
import { ZPreviewQuerySchema, ZRecordsPage } from "../../datasets/preview-dataset";
import { EXPORT_FORMATS } from "../../export/formats";
import { ZExportOptionsSchema, ZExportRequestSchema } from "../../export/options";
import { ZExportCount } from "../../exports/count-export";
import { ZHistoryPage, ZHistoryQuerySchema } from "../../exports/list-exports";
import { ZExportAccepted, ZExportJobResponse } from "../../exports/present-export";
import { ZInspectResponse } from "../inspect-response";
import { ZHealth } from "../../metrics/health-schema";
import {
  ZCreateSchedule,
  ZRunStarted,
  ZSchedule,
  ZScheduleList,
  ZUpdateSchedule,
} from "../../schedules/schedule-schemas";
import { TOKEN_PREFIX, ZCreateToken, ZMe, ZTokenCreated, ZTokenList } from "../../tokens/token-schemas";
import {
  ZCreateUser,
  ZResetPassword,
  ZUpdateUser,
  ZUser,
  ZUserList,
  ZUserWithPassword,
} from "../../users/user-schemas";
import { PLAIN_UPLOAD_TYPES } from "../../uploads/receive-upload";

/** The security schemes, by the names the document gives them. */
export const SECURITY = {
  session: "sessionCookie",
  token: "bearerToken",
  signedLink: "signedLink",
  metricsToken: "metricsToken",
} as const;

const ZFieldError = z
  .object({
    field: z.string().meta({ description: "A dotted path into the request (`filters.0.op`), or `file`, `(body)`." }),
    message: z.string(),
  })
  .meta({ id: "FieldError" });

/** Every error answer: `detail` for a person, in the caller's language; `errors` per field. */
export const ZErrorBody = z
  .object({ detail: z.string(), errors: z.array(ZFieldError).optional() })
  .meta({ id: "Error", description: "Every error answer. `errors` lists each bad field on a validation failure." });

const named = <T extends z.ZodType>(id: string, schema: T, description?: string): T =>
  schema.meta(description ? { id, description } : { id }) as T;

const Dataset = named("Dataset", ZDatasetResponse, "A dataset with its ordered columns and what the caller may do.");
const ExportJob = named("ExportJob", ZExportJobResponse, "An export job: status, progress, the links to its file.");
const ExportAccepted = named("ExportAccepted", ZExportAccepted, "A queued export; poll `status_url`.");
const ImportStatus = named("ImportStatus", ZImportStatusResponse, "An import job: status, progress, rejected rows.");
const ImportAccepted = named("ImportAccepted", ZImportAccepted, "A queued import; poll `status_url`.");
const ExportOptions = named("ExportOptions", ZExportOptionsSchema, "How to export: columns, filters, format settings.");
const ExportRequest = named("ExportRequest", ZExportRequestSchema);
const TokenCreated = named("TokenCreated", ZTokenCreated, "The new token: `token` is shown this once only.");

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The body was malformed or cut short.",
  401: "Not signed in, or the bearer token is unknown, revoked, expired or malformed.",
  403: "The caller's role (or token scope) does not allow it, or the request came from another site.",
  404: "No such resource, or not one the caller may see.",
  405: "The method is not one this path implements (`Allow` lists those it does).",
  409: "The resource is not in a state that allows it.",
  410: "The export's file has expired or is gone.",
  413: "The body is larger than this route accepts.",
  415: "The body's Content-Type is not one this route accepts.",
  422: "A parameter or a field of the body is invalid; `errors` names each.",
  429: "Too many requests, or too many jobs running at once; `Retry-After` says when to try again.",
  503: "The file storage cannot be reached or refuses; `Retry-After` (when it is out of reach) says when to try again.",
};

/** The error answers of an operation: the shared `Error` body, with the headers some carry. */
function errors(...statuses: number[]): RouteConfig["responses"] {
  const responses: RouteConfig["responses"] = {};
  for (const status of statuses) {
    const headers =
      status === 401
        ? z.object({
            "WWW-Authenticate": z
              .string()
              .optional()
              .meta({ description: 'For a bad bearer token: `Bearer error="invalid_token"`.' }),
          })
        : status === 429 || status === 503
          ? z.object({ "Retry-After": z.string().optional().meta({ description: "Seconds to wait." }) })
          : status === 405
            ? z.object({ Allow: z.string().meta({ description: "The methods this path implements." }) })
            : undefined;
    responses[status] = {
      description: ERROR_DESCRIPTIONS[status] ?? "An error.",
      ...(headers ? { headers } : {}),
      content: { "application/json": { schema: ZErrorBody } },
    };
  }
  return responses;
}

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** Path parameters as the routes take them: text, checked by the use case (404 when no such one). */
const datasetIdParam = z.object({ id: z.string().regex(/^\d+$/).meta({ description: "The dataset's id." }) });
const jobIdParam = z.object({ jobId: z.string().meta({ description: "The job's id." }) });

const fileBody = (settings: z.ZodType, what: string) => ({
  required: true,
  description:
    `The file, as \`multipart/form-data\` (one \`file\` part and an optional \`metadata\` part: ${what} as JSON ` +
    "text) or as the whole body under the file's own Content-Type (the settings then go in the query string, " +
    "`columns` and `metadata` as JSON text, the file's name in `file_name`).",
  content: {
    "multipart/form-data": {
      schema: z.object({
        file: z.string().meta({ format: "binary", description: "The file." }),
        metadata: settings.optional(),
      }),
      encoding: { metadata: { contentType: "application/json" } },
    },
    ...Object.fromEntries(
      PLAIN_UPLOAD_TYPES.map((type) => [type, { schema: z.string().meta({ format: "binary" }) }] as const),
    ),
  },
});

const fileNameQuery = z.object({
  file_name: z.string().optional().meta({ description: "The file's name, for a plain body." }),
});

/** The export options a GET carries in its query string (lib/export/options.ts `optionsFromQuery`). */
const exportOptionsQuery = z.object({
  columns: z.string().optional().meta({ description: "Column keys, comma-separated." }),
  rename: z.string().optional().meta({ description: 'JSON: column key → header, e.g. `{"a":"A"}`.' }),
  start: z.string().optional().meta({ description: "First date of the date range (YYYY-MM-DD)." }),
  end: z.string().optional().meta({ description: "Last date of the date range (YYYY-MM-DD)." }),
  date_column: z.string().optional().meta({ description: "The date column the range applies to." }),
  date_range: z
    .string()
    .optional()
    .meta({ description: "JSON `{column?, start?, end?}`, instead of the three above." }),
  filters: z.string().optional().meta({ description: 'JSON list: `[{"column":"region","op":"eq","value":"APAC"}]`.' }),
  filter_mode: ZExportOptionsSchema.shape.filter_mode,
  include_sensitive: z.enum(["true", "false", "1", "0", "yes", "no"]).optional(),
  include_charts: z.enum(["true", "false", "1", "0", "yes", "no"]).optional(),
  delimiter: z.enum([",", ";", "tab", "comma", "semicolon"]).optional(),
  bom: z.enum(["true", "false", "1", "0", "yes", "no"]).optional(),
  compression: ZExportOptionsSchema.shape.compression,
  timezone: z.string().optional().meta({ description: "An IANA time zone (UTC by default)." }),
  landscape: z.enum(["true", "false", "1", "0", "yes", "no"]).optional(),
});

const EXPORT_FILE_TYPES = [
  "text/csv",
  "application/json",
  "application/x-ndjson",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.apache.parquet",
  "application/pdf",
  "application/gzip",
] as const;

const fileResponse = (description: string, types: readonly string[], headers?: Record<string, string>) => ({
  description,
  ...(headers
    ? {
        headers: z.object(
          Object.fromEntries(
            Object.entries(headers).map(([name, text]) => [name, z.string().optional().meta({ description: text })]),
          ),
        ),
      }
    : {}),
  content: Object.fromEntries(types.map((type) => [type, { schema: z.string().meta({ format: "binary" }) }])),
});

const PUBLIC: RouteConfig["security"] = [];
const SESSION_ONLY: RouteConfig["security"] = [{ [SECURITY.session]: [] }];

function registerPaths(registry: OpenAPIRegistry): void {
  const add = (route: RouteConfig) => registry.registerPath(route);

  add({
    method: "get",
    path: "/api/health",
    tags: ["System"],
    summary: "The database, the export store, the job queues and the live workers",
    security: PUBLIC,
    responses: {
      200: json(ZHealth, "Up: the database answers and the export store can be written."),
      503: json(ZHealth, "The database or the export store does not work; `failing` names which."),
    },
  });

  add({
    method: "get",
    path: "/api/metrics",
    tags: ["System"],
    summary: "Metrics in the Prometheus text format",
    description:
      "Exports, downloads and imports of the whole installation and the queues, read from the database at each " +
      "scrape, and this process's own Node metrics. For an admin, or with `OUTPORT_METRICS_TOKEN` as a bearer token.",
    security: [{ [SECURITY.session]: [] }, { [SECURITY.token]: [] }, { [SECURITY.metricsToken]: [] }],
    responses: {
      200: {
        description: "The metrics (text/plain; version=0.0.4).",
        content: { "text/plain": { schema: z.string() } },
      },
      ...errors(401, 403),
    },
  });

  add({
    method: "get",
    path: "/api/openapi.json",
    tags: ["System"],
    summary: "This document",
    security: PUBLIC,
    responses: {
      200: {
        description: "The OpenAPI 3.1 document.",
        content: { "application/json": { schema: z.object({}).loose() } },
      },
    },
  });

  for (const method of ["get", "post"] as const) {
    add({
      method,
      path: "/api/auth/{nextauth}",
      tags: ["Sign-in"],
      summary: method === "get" ? "next-auth: session, CSRF token, providers" : "next-auth: sign in, sign out",
      description:
        "next-auth's own endpoints (`csrf`, `session`, `providers`, `callback/credentials`, `signout`); the path " +
        "may have more than one segment. A sign-in posts a form (`csrfToken`, `email`, `password`) and is " +
        "throttled per address and account (429).",
      security: PUBLIC,
      request: {
        params: z.object({ nextauth: z.string().meta({ description: "e.g. `csrf`, `callback/credentials`" }) }),
      },
      responses: {
        200: { description: "next-auth's answer.", content: { "application/json": { schema: z.object({}).loose() } } },
        302: { description: "A redirect (sign-in, sign-out)." },
        ...(method === "post" ? errors(429) : {}),
      },
    });
  }

  add({
    method: "get",
    path: "/api/me",
    tags: ["Tokens"],
    summary: "Who the caller is",
    description: "The user, and how the request proved it: the session, or a token with its id and scope.",
    responses: { 200: json(named("Me", ZMe), "The caller."), ...errors(401, 403) },
  });

  // Datasets.
  add({
    method: "get",
    path: "/api/datasets",
    tags: ["Datasets"],
    summary: "Every dataset the caller can see",
    responses: { 200: json(z.array(Dataset), "The datasets, with `can_export` for the caller."), ...errors(401, 403) },
  });
  add({
    method: "post",
    path: "/api/datasets",
    tags: ["Datasets"],
    summary: "A new dataset from an uploaded file",
    description: "Queues an import that commits the rows; the dataset appears then. `Location` names the status URL.",
    request: { query: fileNameQuery, body: fileBody(named("CreateDataset", ZCreateDataset), "the settings") },
    responses: {
      202: json(ImportAccepted, "The import is queued."),
      ...errors(400, 401, 403, 413, 415, 422, 429),
    },
  });
  add({
    method: "post",
    path: "/api/datasets/inspect",
    tags: ["Datasets"],
    summary: "What an uploaded file looks like",
    description: "Format, encoding and delimiter detected, columns proposed, sample rows. Nothing is kept.",
    request: { query: fileNameQuery, body: fileBody(named("InspectRequest", ZInspectRequest), "the overrides") },
    responses: {
      200: json(named("Inspection", ZInspectResponse), "The inspection."),
      ...errors(400, 401, 403, 413, 415, 422),
    },
  });
  add({
    method: "get",
    path: "/api/datasets/{id}",
    tags: ["Datasets"],
    summary: "One dataset",
    request: { params: datasetIdParam },
    responses: { 200: json(Dataset, "The dataset."), ...errors(401, 403, 404, 422) },
  });
  add({
    method: "patch",
    path: "/api/datasets/{id}",
    tags: ["Datasets"],
    summary: "Change a dataset's title, description, columns or owner",
    request: {
      params: datasetIdParam,
      body: { required: true, content: { "application/json": { schema: named("UpdateDataset", ZUpdateDataset) } } },
    },
    responses: { 200: json(Dataset, "The dataset as changed."), ...errors(401, 403, 404, 413, 415, 422) },
  });
  add({
    method: "delete",
    path: "/api/datasets/{id}",
    tags: ["Datasets"],
    summary: "Delete a dataset (its export history stays)",
    request: { params: datasetIdParam },
    responses: {
      200: json(ZDatasetDeleted, "Deleted; `exports` is how many of its exports lost their files."),
      ...errors(401, 403, 404, 413, 415, 422),
    },
  });
  add({
    method: "get",
    path: "/api/datasets/{id}/records",
    tags: ["Datasets"],
    summary: "A keyset-paged preview of a dataset's records",
    description:
      "With export options in the query (as a GET export takes them), the preview is of what that export " +
      "would carry: its rows, its columns in order and its redaction of sensitive columns; `total` counts its rows.",
    request: { params: datasetIdParam, query: z.object({ ...ZPreviewQuerySchema.shape, ...exportOptionsQuery.shape }) },
    responses: { 200: json(ZRecordsPage, "A page of records."), ...errors(401, 403, 404, 422) },
  });
  add({
    method: "get",
    path: "/api/datasets/{id}/count",
    tags: ["Datasets"],
    summary: "How many records an export with these options would carry",
    description:
      "The options are a GET export's; the count is of the rows that export selects. Any role that may view the " +
      "dataset may count; a filter on a sensitive column is refused (422) unless the caller may see it.",
    request: { params: datasetIdParam, query: exportOptionsQuery },
    responses: { 200: json(ZExportCount, "The count."), ...errors(401, 403, 404, 422) },
  });
  add({
    method: "post",
    path: "/api/datasets/{id}/import",
    tags: ["Datasets"],
    summary: "Rows from an uploaded file into a dataset",
    description: `\`mode\`: ${IMPORT_MODES.join(" or ")}. A replace is atomic: readers see the old rows until the new ones commit.`,
    request: {
      params: datasetIdParam,
      query: ZImportModeQuery.extend(fileNameQuery.shape),
      body: fileBody(named("ImportRows", ZImportRows), "the settings"),
    },
    responses: {
      202: json(ImportAccepted, "The import is queued."),
      ...errors(400, 401, 403, 404, 413, 415, 422, 429),
    },
  });

  // Imports.
  add({
    method: "get",
    path: "/api/imports/{jobId}",
    tags: ["Imports"],
    summary: "An import job's status",
    request: { params: jobIdParam },
    responses: { 200: json(ImportStatus, "The import job."), ...errors(401, 403, 404, 422) },
  });
  add({
    method: "post",
    path: "/api/imports/{jobId}/cancel",
    tags: ["Imports"],
    summary: "Cancel a waiting or running import",
    request: { params: jobIdParam },
    responses: { 200: json(ImportStatus, "The import job, cancelled."), ...errors(401, 403, 404, 409, 413, 415, 422) },
  });
  add({
    method: "get",
    path: "/api/imports/{jobId}/rejected",
    tags: ["Imports"],
    summary: "The CSV of every row the import rejected",
    request: { params: jobIdParam },
    responses: {
      200: fileResponse("line, reason, the row's values as read.", ["text/csv"]),
      ...errors(401, 403, 404, 422),
    },
  });

  // Exports.
  const exportParams = z.object({
    format: z.enum(EXPORT_FORMATS).meta({ description: "Any other value is a 404." }),
    datasetId: z.string().regex(/^\d+$/).meta({ description: "The dataset's id." }),
  });
  const preferHeader = z.object({
    Prefer: z
      .string()
      .optional()
      .meta({ description: "`respond-async`: a large export is queued (202) rather than streamed." }),
  });
  const streamed = fileResponse("The file, streamed while it is written.", EXPORT_FILE_TYPES, {
    "Content-Disposition": "The file's name.",
    "X-Export-Rows": "The number of rows, when the server counted them.",
  });
  add({
    method: "get",
    path: "/api/export/{format}/{datasetId}",
    tags: ["Exports"],
    summary: "Download a dataset (options in the query)",
    description:
      "Streams CSV, JSON, NDJSON, Excel or Parquet. Excel past the direct limit and PDF run as a job instead " +
      "(202). Counted against the rate limit and audited; HEAD is refused (405).",
    request: { params: exportParams, query: exportOptionsQuery, headers: preferHeader },
    responses: {
      200: streamed,
      202: json(ExportAccepted, "Queued as a job."),
      ...errors(401, 403, 404, 422, 429),
    },
  });
  add({
    method: "post",
    path: "/api/export/{format}/{datasetId}",
    tags: ["Exports"],
    summary: "Download a dataset (options in the JSON body)",
    request: {
      params: exportParams,
      headers: preferHeader,
      body: { content: { "application/json": { schema: ExportOptions } } },
    },
    responses: {
      200: streamed,
      202: json(ExportAccepted, "Queued as a job."),
      ...errors(401, 403, 404, 413, 415, 422, 429),
    },
  });
  add({
    method: "post",
    path: "/api/export/async",
    tags: ["Exports"],
    summary: "Queue an export as a background job",
    request: { body: { required: true, content: { "application/json": { schema: ExportRequest } } } },
    responses: { 202: json(ExportAccepted, "Queued."), ...errors(401, 403, 404, 413, 415, 422, 429) },
  });
  add({
    method: "get",
    path: "/api/export/status/{jobId}",
    tags: ["Exports"],
    summary: "Poll an export job",
    request: { params: jobIdParam },
    responses: { 200: json(ExportJob, "The export job."), ...errors(401, 403, 404, 422) },
  });
  add({
    method: "post",
    path: "/api/export/jobs/{jobId}/cancel",
    tags: ["Exports"],
    summary: "Cancel a waiting or running export",
    request: { params: jobIdParam },
    responses: { 200: json(ExportJob, "The export job, cancelled."), ...errors(401, 403, 404, 409, 413, 415, 422) },
  });
  add({
    method: "post",
    path: "/api/export/jobs/{jobId}/retry",
    tags: ["Exports"],
    summary: "Run a failed or cancelled export again",
    request: { params: jobIdParam },
    responses: {
      202: json(ExportAccepted, "A new job with the same options."),
      ...errors(401, 403, 404, 409, 413, 415, 422, 429),
    },
  });
  const downloadRequest = {
    params: jobIdParam,
    query: z.object({
      token: z.string().optional().meta({ description: "A signed link's token, in place of the session." }),
    }),
  };
  const downloadSecurity: RouteConfig["security"] = [
    { [SECURITY.session]: [] },
    { [SECURITY.token]: [] },
    { [SECURITY.signedLink]: [] },
  ];
  add({
    method: "get",
    path: "/api/export/download/{jobId}",
    tags: ["Exports"],
    summary: "The finished file of an export job",
    description: "Its SHA-256 is verified before the first byte. A signed link that has expired or was altered: 403.",
    security: downloadSecurity,
    request: downloadRequest,
    responses: {
      200: fileResponse("The file.", EXPORT_FILE_TYPES, {
        "X-Checksum-SHA256": "The file's SHA-256, hex.",
        "Repr-Digest": "The same, as `sha-256=:base64:`.",
      }),
      ...errors(401, 403, 404, 409, 410, 422, 503),
    },
  });
  add({
    method: "head",
    path: "/api/export/download/{jobId}",
    tags: ["Exports"],
    summary: "The same checks as the download, without the file",
    security: downloadSecurity,
    request: downloadRequest,
    responses: {
      200: { description: "The file is there and may be downloaded." },
      401: { description: ERROR_DESCRIPTIONS[401] },
      403: { description: ERROR_DESCRIPTIONS[403] },
      404: { description: ERROR_DESCRIPTIONS[404] },
      409: { description: ERROR_DESCRIPTIONS[409] },
      410: { description: ERROR_DESCRIPTIONS[410] },
      422: { description: ERROR_DESCRIPTIONS[422] },
      503: { description: ERROR_DESCRIPTIONS[503] },
    },
  });
  add({
    method: "get",
    path: "/api/export/history",
    tags: ["Exports"],
    summary: "The caller's exports (an admin's: everyone's), newest first",
    request: { query: ZHistoryQuerySchema },
    responses: { 200: json(named("HistoryPage", ZHistoryPage), "A page of the history."), ...errors(401, 403, 422) },
  });
  add({
    method: "delete",
    path: "/api/export/history/{jobId}",
    tags: ["Exports"],
    summary: "Remove an export and its file",
    request: { params: jobIdParam },
    responses: { 204: { description: "Removed." }, ...errors(401, 403, 404, 409, 413, 415, 422) },
  });

  // Audit.
  add({
    method: "get",
    path: "/api/audit",
    tags: ["Audit"],
    summary: "The audit trail, newest first (admins)",
    request: { query: ZAuditQuerySchema },
    responses: { 200: json(named("AuditPage", ZAuditPage), "A page of audit events."), ...errors(401, 403, 422) },
  });
  add({
    method: "get",
    path: "/api/audit/export",
    tags: ["Audit"],
    summary: "The filtered audit trail as CSV (admins)",
    description:
      "The events the filters match, newest first, streamed as CSV with a header row; text a spreadsheet " +
      "could run as a formula is neutralised. The export is itself audited (audit_exported, with its filters); " +
      "HEAD is refused (405).",
    request: { query: ZAuditFilterSchema },
    responses: {
      200: fileResponse("The audit trail as CSV (`audit-YYYY-MM-DD.csv`).", ["text/csv"], {
        "Content-Disposition": "attachment; filename=audit-YYYY-MM-DD.csv",
      }),
      ...errors(401, 403, 422),
    },
  });

  // Tokens.
  add({
    method: "post",
    path: "/api/tokens",
    tags: ["Tokens"],
    summary: "Create a personal access token",
    description: `Signed in only: a token cannot make another (403). The secret starts with \`${TOKEN_PREFIX}\` and is shown once.`,
    security: SESSION_ONLY,
    request: {
      body: { required: true, content: { "application/json": { schema: named("CreateToken", ZCreateToken) } } },
    },
    responses: { 201: json(TokenCreated, "The token, with its secret."), ...errors(401, 403, 413, 415, 422) },
  });
  add({
    method: "get",
    path: "/api/tokens",
    tags: ["Tokens"],
    summary: "The caller's tokens (an admin's: everyone's)",
    responses: {
      200: json(named("TokenList", ZTokenList), "The tokens, never their secrets."),
      ...errors(401, 403),
    },
  });
  add({
    method: "delete",
    path: "/api/tokens/{id}",
    tags: ["Tokens"],
    summary: "Revoke a token",
    request: { params: z.object({ id: z.string().meta({ description: "The token's id." }) }) },
    responses: { 204: { description: "Revoked." }, ...errors(401, 403, 404, 413, 415, 422) },
  });

  // Users (admins).
  const userIdParam = z.object({ id: z.string().regex(/^\d+$/).meta({ description: "The user's id." }) });
  const UserWithPassword = named(
    "UserWithPassword",
    ZUserWithPassword,
    "The user; `password` is the generated one-time password, shown this once (null when one was given).",
  );
  add({
    method: "get",
    path: "/api/users",
    tags: ["Users"],
    summary: "Every user, with their last sign-in, datasets and exports (admins)",
    responses: { 200: json(named("UserList", ZUserList), "The users, by e-mail."), ...errors(401, 403) },
  });
  add({
    method: "post",
    path: "/api/users",
    tags: ["Users"],
    summary: "Create a user (admins)",
    description:
      "Without `password`, a one-time password is generated and answered once; the user must change it at the first sign-in. An e-mail already taken answers 409.",
    request: {
      body: { required: true, content: { "application/json": { schema: named("CreateUser", ZCreateUser) } } },
    },
    responses: { 201: json(UserWithPassword, "The new user."), ...errors(401, 403, 409, 413, 415, 422) },
  });
  add({
    method: "patch",
    path: "/api/users/{id}",
    tags: ["Users"],
    summary: "Change a user's name, role or active flag (admins)",
    description:
      "Takes effect on the user's next request, with a session or a token. The last active admin cannot be demoted or deactivated (409).",
    request: {
      params: userIdParam,
      body: { required: true, content: { "application/json": { schema: named("UpdateUser", ZUpdateUser) } } },
    },
    responses: {
      200: json(named("User", ZUser), "The user, changed."),
      ...errors(401, 403, 404, 409, 413, 415, 422),
    },
  });
  add({
    method: "post",
    path: "/api/users/{id}/password",
    tags: ["Users"],
    summary: "Reset a user's password (admins)",
    description:
      "To the `password` given, or (without one) to a one-time password answered once, which the user must change at the next sign-in.",
    request: {
      params: userIdParam,
      body: { required: false, content: { "application/json": { schema: named("ResetPassword", ZResetPassword) } } },
    },
    responses: {
      200: json(UserWithPassword, "The user, with the one-time password if one was made."),
      ...errors(401, 403, 404, 413, 415, 422),
    },
  });

  // Schedules (managers for their datasets, admins for any).
  const scheduleIdParam = z.object({ id: z.uuid().meta({ description: "The schedule's id." }) });
  const Schedule = named(
    "Schedule",
    ZSchedule,
    "A scheduled export with its latest runs. Each run is an export job of the schedule's owner, checked again when it runs.",
  );
  const scheduleFields =
    "`cron` has five fields (minute hour day-of-month month day-of-week) read in `timezone`; a day of month past a month's end runs on its last day. `recipients` must be at the allowed domains when `OUTPORT_MAIL_ALLOWED_DOMAINS` is set (others: 422 naming the address). `options` are a one-off export's, checked the same way.";
  add({
    method: "get",
    path: "/api/schedules",
    tags: ["Schedules"],
    summary: "The caller's schedules (an admin's: everyone's), and how mail leaves",
    responses: {
      200: json(named("ScheduleList", ZScheduleList), "The schedules, newest first, each with its last 10 runs."),
      ...errors(401, 403),
    },
  });
  add({
    method: "post",
    path: "/api/schedules",
    tags: ["Schedules"],
    summary: "Schedule an export by e-mail",
    description: scheduleFields,
    request: {
      body: { required: true, content: { "application/json": { schema: named("CreateSchedule", ZCreateSchedule) } } },
    },
    responses: { 201: json(Schedule, "The schedule, with its next run."), ...errors(401, 403, 413, 415, 422) },
  });
  add({
    method: "get",
    path: "/api/schedules/{id}",
    tags: ["Schedules"],
    summary: "One schedule with its latest runs",
    request: { params: scheduleIdParam },
    responses: { 200: json(Schedule, "The schedule."), ...errors(401, 403, 404) },
  });
  add({
    method: "patch",
    path: "/api/schedules/{id}",
    tags: ["Schedules"],
    summary: "Change, pause or resume a schedule",
    description: `Any of the fields; \`{"enabled": false}\` pauses, \`{"enabled": true}\` resumes from the next slot (no catch-up for the paused time). ${scheduleFields}`,
    request: {
      params: scheduleIdParam,
      body: { required: true, content: { "application/json": { schema: named("UpdateSchedule", ZUpdateSchedule) } } },
    },
    responses: { 200: json(Schedule, "The schedule, changed."), ...errors(401, 403, 404, 413, 415, 422) },
  });
  add({
    method: "delete",
    path: "/api/schedules/{id}",
    tags: ["Schedules"],
    summary: "Delete a schedule (the files of its runs stay in the history)",
    request: { params: scheduleIdParam },
    responses: { 204: { description: "Deleted." }, ...errors(401, 403, 404, 413, 415) },
  });
  add({
    method: "post",
    path: "/api/schedules/{id}/run",
    tags: ["Schedules"],
    summary: "Run a schedule now",
    description:
      "Starts one run at once, enabled or not, as the schedule's owner: the owner's export limits (429) and rights (403) apply. The run's export job is `job_id`.",
    request: { params: scheduleIdParam },
    responses: {
      202: json(named("RunStarted", ZRunStarted), "The run and its export job."),
      ...errors(401, 403, 404, 409, 413, 415, 429),
    },
  });
}

const DESCRIPTION = `The HTTP API of Outport: the same endpoints the web pages use.

**Authentication.** Either the session cookie of a signed-in browser (\`next-auth.session-token\`),
or a personal access token: \`Authorization: Bearer ${TOKEN_PREFIX}…\`, made on the settings page.
A \`read\` token may only GET and HEAD; anything else answers 403. A bad token answers 401 with
\`WWW-Authenticate: Bearer error="invalid_token"\`. State-changing calls with the cookie must come
from the app's own site.

**Errors.** Every error is JSON, \`{detail, errors?}\`: \`detail\` in the caller's language,
\`errors\` naming each bad field. A method a path does not implement answers 405 with \`Allow\`;
OPTIONS answers 204 with \`Allow\`. HEAD on a GET path answers as the GET would, without the body
(except where the GET counts or records something: there it is a 405).`;

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31["generateDocument"]>;

let built: OpenApiDocument | undefined;

/** The document (built once per process: the schemas do not change while it runs). */
export function openApiDocument(): OpenApiDocument {
  if (built) return built;
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", SECURITY.session, {
    type: "apiKey",
    in: "cookie",
    name: "next-auth.session-token",
    description: "The session of a signed-in browser (`__Secure-next-auth.session-token` over HTTPS).",
  });
  registry.registerComponent("securitySchemes", SECURITY.token, {
    type: "http",
    scheme: "bearer",
    bearerFormat: `${TOKEN_PREFIX}…`,
    description: "A personal access token, scoped `read` (GET and HEAD only) or `export`.",
  });
  registry.registerComponent("securitySchemes", SECURITY.signedLink, {
    type: "apiKey",
    in: "query",
    name: "token",
    description: "A signed download link's token (`signed_download_url` of an export job).",
  });
  registry.registerComponent("securitySchemes", SECURITY.metricsToken, {
    type: "http",
    scheme: "bearer",
    description: "The metrics scraper's token, `OUTPORT_METRICS_TOKEN` (only `GET /api/metrics`).",
  });
  registerPaths(registry);
  built = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: { title: "Outport API", version: "1", description: DESCRIPTION },
    security: [{ [SECURITY.session]: [] }, { [SECURITY.token]: [] }],
    tags: [
      { name: "Datasets" },
      { name: "Imports" },
      { name: "Exports" },
      { name: "Audit" },
      { name: "Tokens" },
      { name: "Users" },
      { name: "Schedules" },
      { name: "Sign-in" },
      { name: "System" },
    ],
  });
  return built;
}
