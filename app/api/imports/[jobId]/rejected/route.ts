// GET /api/imports/:jobId/rejected – the CSV of every row the import rejected (line,
// reason, the row's values as read), streamed; 404 when it rejected none
import { openRejectedRows } from "@/lib/datasets/import-status";
import { otherMethods, withUser } from "@/lib/http/handler";
import { rejectedRowsResponse } from "@/lib/http/import-responses";

export const GET = withUser<{ jobId: string }>(
  async ({ user, params }) => rejectedRowsResponse(await openRejectedRows(user, params.jobId)),
  { can: "datasets.view" },
);

export const { HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET });
