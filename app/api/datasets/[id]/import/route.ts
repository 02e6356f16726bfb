// POST /api/datasets/:id/import?mode=append|replace – rows from an uploaded file into a
// dataset one may manage: 202 with the import job. A replace is atomic: readers see the
// old rows until the new ones commit.
import { canManageDataset } from "@/lib/auth/permissions";
import { findDataset } from "@/lib/datasets/dataset-store";
import { ZImportModeQuery, ZImportRows } from "@/lib/datasets/dataset-schemas";
import { AppError } from "@/lib/errors";
import { requestImport } from "@/lib/datasets/request-import";
import { otherMethods, withUser } from "@/lib/http/handler";
import { acceptedImportResponse } from "@/lib/http/import-responses";
import { clientIp, searchParamsOf } from "@/lib/http/request";
import { receiveUploadRequest } from "@/lib/http/upload-request";
import { parseDatasetId } from "@/lib/params";

export const POST = withUser<{ id: string }>(
  async ({ req, user, params, locale }) => {
    const id = parseDatasetId(params.id);
    const { mode } = ZImportModeQuery.parse({ mode: searchParamsOf(req.url).get("mode") ?? undefined });
    // Refused before the file is read: a large upload to a dataset one may not change would
    // otherwise be received whole for nothing. The use case checks again, with the file.
    const dataset = await findDataset(id);
    if (!dataset) throw new AppError("not_found", "error.notFound");
    if (!canManageDataset(user, dataset)) throw new AppError("forbidden", "dataset.manageForbidden");
    const { upload, settings } = await receiveUploadRequest(req, ZImportRows);
    return acceptedImportResponse(
      await requestImport({ user, ip: clientIp(req.headers), locale }, id, mode, upload, settings),
    );
  },
  { can: "datasets.manage.own", body: "upload" },
);

export const { GET, HEAD, OPTIONS, PUT, PATCH, DELETE } = otherMethods({ POST });
