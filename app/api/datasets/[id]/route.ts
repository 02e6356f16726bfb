// GET /api/datasets/:id – one dataset with its ordered columns and `can_export`
import { presentDataset } from "@/lib/datasets/present-dataset";
import { datasetForViewer } from "@/lib/datasets/view-dataset";
import { otherMethods, withUser } from "@/lib/http/handler";
import { parseDatasetId } from "@/lib/params";

export const GET = withUser<{ id: string }>(
  async ({ user, params }) => {
    const dataset = await datasetForViewer(user, parseDatasetId(params.id));
    return Response.json(presentDataset(dataset, user));
  },
  { can: "datasets.view" },
);

export const { HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET });
