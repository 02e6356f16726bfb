// GET /api/datasets/:id/records?after=&before=&limit= – a keyset-paged preview of records
import { previewDataset, ZPreviewQuerySchema } from "@/lib/datasets/preview-dataset";
import { datasetForViewer } from "@/lib/datasets/view-dataset";
import { otherMethods, withUser } from "@/lib/http/handler";
import { searchParamsObject } from "@/lib/http/request";
import { parseDatasetId } from "@/lib/params";

export const GET = withUser<{ id: string }>(
  async ({ req, user, params }) => {
    const dataset = await datasetForViewer(user, parseDatasetId(params.id));
    const query = ZPreviewQuerySchema.parse(searchParamsObject(req.url));
    const page = await previewDataset(dataset, user, query);
    return Response.json({
      dataset_id: dataset.id,
      total: dataset.recordCount,
      first_position: page.firstPosition,
      has_previous: page.hasPrevious,
      has_next: page.hasNext,
      rows: page.rows,
    });
  },
  { can: "datasets.view" },
);

export const { HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET });
