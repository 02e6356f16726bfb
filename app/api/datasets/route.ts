// GET /api/datasets – every dataset the caller can see, with `can_export` for the caller
import { can } from "@/lib/auth/permissions";
import { listDatasets } from "@/lib/datasets/dataset-store";
import { presentDataset } from "@/lib/datasets/present-dataset";
import { AppError } from "@/lib/errors";
import { withUser } from "@/lib/http/handler";

export const GET = withUser(async ({ user }) => {
  if (!can(user, "datasets.view")) throw new AppError("forbidden");
  const datasets = await listDatasets();
  return Response.json(datasets.map((dataset) => presentDataset(dataset, user)));
});
