// GET /api/imports/:jobId – an import job's status and progress, its rejected rows (the
// first 100) and, once committed, its dataset (404 for anyone else's job, unless admin)
import { findImport, presentImport } from "@/lib/datasets/import-status";
import { otherMethods, withUser } from "@/lib/http/handler";

export const GET = withUser<{ jobId: string }>(
  async ({ user, params, locale }) => {
    const job = await findImport(user, params.jobId);
    return Response.json(presentImport(job, locale), { headers: { "Cache-Control": "no-store" } });
  },
  { can: "datasets.view" },
);

export const { HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET });
