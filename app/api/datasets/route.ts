// GET /api/datasets – every dataset the caller can see, with `can_export` for the caller
import { listDatasets } from "@/lib/datasets/dataset-store";
import { presentDataset } from "@/lib/datasets/present-dataset";
import { otherMethods, withUser } from "@/lib/http/handler";

export const GET = withUser(
  async ({ user }) => {
    const datasets = await listDatasets();
    return Response.json(datasets.map((dataset) => presentDataset(dataset, user)));
  },
  { can: "datasets.view" },
);

export const { HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET });
