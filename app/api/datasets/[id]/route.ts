// GET /api/datasets/:id – one dataset with its ordered columns and `can_export`
// PATCH /api/datasets/:id – change its title, description, column labels and sensitive
// flags, date and category column (owner or admin), or its owner (admin)
// DELETE /api/datasets/:id – delete it (owner or admin): its rows and export files go,
// its export history stays
import { ZUpdateDataset } from "@/lib/datasets/dataset-schemas";
import { deleteDataset, updateDataset } from "@/lib/datasets/manage-dataset";
import { presentDataset } from "@/lib/datasets/present-dataset";
import { datasetForViewer } from "@/lib/datasets/view-dataset";
import { otherMethods, withUser } from "@/lib/http/handler";
import { clientIp, readJsonBody } from "@/lib/http/request";
import { parseDatasetId } from "@/lib/params";

export const GET = withUser<{ id: string }>(
  async ({ user, params }) => {
    const dataset = await datasetForViewer(user, parseDatasetId(params.id));
    return Response.json(presentDataset(dataset, user));
  },
  { can: "datasets.view" },
);

export const PATCH = withUser<{ id: string }>(
  async ({ req, user, params, locale }) => {
    const id = parseDatasetId(params.id);
    const body = ZUpdateDataset.parse(await readJsonBody(req));
    const dataset = await updateDataset({ user, ip: clientIp(req.headers), locale }, id, body);
    return Response.json(presentDataset(dataset, user));
  },
  { can: "datasets.manage.own" },
);

export const DELETE = withUser<{ id: string }>(
  async ({ req, user, params, locale }) => {
    const id = parseDatasetId(params.id);
    const { exports } = await deleteDataset({ user, ip: clientIp(req.headers), locale }, id);
    return Response.json({ deleted: true, exports });
  },
  { can: "datasets.manage.own" },
);

export const { HEAD, OPTIONS, POST, PUT } = otherMethods({ GET, PATCH, DELETE });
