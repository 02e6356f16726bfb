// Compile-time checks that the document's response schemas describe what the presenters
// really answer: a presenter's return type must be assignable to its schema's type, so a
// field added to a presenter and not to its schema fails `tsc` (an extra field the schema
// lacks is caught by the strict object checks below).
import type { z } from "zod";
import type { AuditPage } from "../../audit/list";
import type { ZAuditPage } from "../../audit/list";
import type { DatasetJson, ZDatasetResponse } from "../../datasets/present-dataset";
import type { TImportStatusResponse } from "../../datasets/dataset-schemas";
import type { presentImport } from "../../datasets/import-status";
import type { HistoryPage, ZHistoryPage } from "../../exports/list-exports";
import type {
  AcceptedExportJson,
  ExportJobJson,
  ZExportAccepted,
  ZExportJobResponse,
} from "../../exports/present-export";
import type { InspectResponse, ZInspectResponse } from "../inspect-response";

/** `true` when A and B have the same keys and A's values fit B's. */
type Describes<A, B> = [A] extends [B]
  ? [keyof A] extends [keyof B]
    ? [keyof B] extends [keyof A]
      ? true
      : false
    : false
  : false;

type Check<T extends true> = T;

export type ShapeChecks = [
  Check<Describes<DatasetJson, z.infer<typeof ZDatasetResponse>>>,
  Check<Describes<ExportJobJson, z.infer<typeof ZExportJobResponse>>>,
  Check<Describes<AcceptedExportJson, z.infer<typeof ZExportAccepted>>>,
  Check<Describes<HistoryPage, z.infer<typeof ZHistoryPage>>>,
  Check<Describes<HistoryPage["items"][number], z.infer<typeof ZHistoryPage>["items"][number]>>,
  Check<Describes<AuditPage, z.infer<typeof ZAuditPage>>>,
  Check<Describes<AuditPage["items"][number], z.infer<typeof ZAuditPage>["items"][number]>>,
  Check<Describes<InspectResponse, z.infer<typeof ZInspectResponse>>>,
  Check<Describes<ReturnType<typeof presentImport>, TImportStatusResponse>>,
];
