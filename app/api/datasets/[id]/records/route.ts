// GET /api/datasets/:id/records?after=&before=&limit=&columns=&filters=… – a keyset-paged preview of records, of what an export with these options would carry
import { previewDataset, ZPreviewQuerySchema } from "@/lib/datasets/preview-dataset";
import { datasetForViewer } from "@/lib/datasets/view-dataset";
import { optionsFromQuery } from "@/lib/export/options";
import { otherMethods, withUser } from "@/lib/http/handler";
import { searchParamsOf } from "@/lib/http/request";
import { parseDatasetId } from "@/lib/params";

/** The query's paging parameters; every other one is an export option. */
const PAGING = new Set(["after", "before", "limit"]);

export const GET = withUser<{ id: string }>(
  async ({ req, user, params }) => {
    const dataset = await datasetForViewer(user, parseDatasetId(params.id));
    const search = searchParamsOf(req.url);
    const paging = new URLSearchParams();
    const options = new URLSearchParams();
    for (const [name, value] of search) (PAGING.has(name) ? paging : options).append(name, value);
    const query = ZPreviewQuerySchema.parse(Object.fromEntries(paging.entries()));
    const page = await previewDataset(dataset, user, query, options.size > 0 ? optionsFromQuery(options) : null);
    return Response.json({
      dataset_id: dataset.id,
      total: page.total,
      first_position: page.firstPosition,
      has_previous: page.hasPrevious,
      has_next: page.hasNext,
      columns: page.columns,
      rows: page.rows,
    });
  },
  { can: "datasets.view" },
);

export const { HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET });
