// GET /api/datasets – every dataset the caller can see, with `can_export` for the caller
// POST /api/datasets – a new dataset from an uploaded file: 202 with the import job, which
// commits the dataset's rows (the dataset appears then)
import { listDatasets } from "@/lib/datasets/dataset-store";
import { ZCreateDataset } from "@/lib/datasets/dataset-schemas";
import { presentDataset } from "@/lib/datasets/present-dataset";
import { requestDatasetCreation } from "@/lib/datasets/request-import";
import { otherMethods, withUser } from "@/lib/http/handler";
import { acceptedImportResponse } from "@/lib/http/import-responses";
import { clientIp } from "@/lib/http/request";
import { receiveUploadRequest } from "@/lib/http/upload-request";

export const GET = withUser(
  async ({ user }) => {
    const datasets = await listDatasets();
    return Response.json(datasets.map((dataset) => presentDataset(dataset, user)));
  },
  { can: "datasets.view" },
);

export const POST = withUser(
  async ({ req, user, locale }) => {
    const { upload, settings } = await receiveUploadRequest(req, ZCreateDataset);
    const caller = { user, ip: clientIp(req.headers), locale };
    return acceptedImportResponse(await requestDatasetCreation(caller, upload, settings));
  },
  { can: "datasets.create", body: "upload" },
);

export const { HEAD, OPTIONS, PUT, PATCH, DELETE } = otherMethods({ GET, POST });
