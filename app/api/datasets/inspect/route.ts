// POST /api/datasets/inspect – what an uploaded file (or its first few MB) looks like: the
// format, encoding and delimiter detected, the columns proposed, sample rows and warnings.
// Nothing is kept: the file is removed once inspected.
import { ZInspectRequest } from "@/lib/datasets/dataset-schemas";
import { importLimits } from "@/lib/datasets/request-import";
import { otherMethods, withUser } from "@/lib/http/handler";
import { presentInspection } from "@/lib/http/inspect-response";
import { receiveUploadRequest } from "@/lib/http/upload-request";
import { inspectFile } from "@/lib/imports";
import { removeUpload, uploadPath } from "@/lib/uploads/upload-files";

export const POST = withUser(
  async ({ req, locale }) => {
    const { upload, settings } = await receiveUploadRequest(req, ZInspectRequest);
    try {
      const { partial, ...overrides } = settings;
      const result = await inspectFile(uploadPath(upload.key), {
        fileName: upload.fileName,
        overrides,
        partial: partial ?? false,
        limits: importLimits(),
        signal: req.signal,
      });
      return Response.json(presentInspection(result, locale), { headers: { "Cache-Control": "no-store" } });
    } finally {
      await removeUpload(upload.key);
    }
  },
  { can: "datasets.create", body: "upload" },
);

export const { GET, HEAD, OPTIONS, PUT, PATCH, DELETE } = otherMethods({ POST });
