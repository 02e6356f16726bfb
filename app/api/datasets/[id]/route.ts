// GET /api/datasets/:id – one dataset with its ordered columns and `can_export`
import { datasetForViewer } from "@/lib/datasets/view-dataset";
import { presentDataset } from "@/lib/datasets/present-dataset";
import { withUser } from "@/lib/http/handler";
import { parseDatasetId } from "@/lib/http/params";

export const GET = withUser<{ id: string }>(async ({ user, params }) => {
  const dataset = await datasetForViewer(user, parseDatasetId(params.id));
  return Response.json(presentDataset(dataset, user));
});
