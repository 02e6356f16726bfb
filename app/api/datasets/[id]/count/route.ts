// GET /api/datasets/:id/count?columns=&filters=&start=&end=… – how many records an export with these options would carry
import { optionsFromQuery } from "@/lib/export/options";
import { countExport } from "@/lib/exports/count-export";
import { otherMethods, withUser } from "@/lib/http/handler";
import { searchParamsOf } from "@/lib/http/request";
import { parseDatasetId } from "@/lib/params";

export const GET = withUser<{ id: string }>(
  async ({ req, user, params }) => {
    const options = optionsFromQuery(searchParamsOf(req.url));
    return Response.json(await countExport(user, parseDatasetId(params.id), options));
  },
  { can: "datasets.view" },
);

export const { HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET });
