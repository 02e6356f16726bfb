// GET /api/export/status/:jobId – poll an export job (404 for anyone else's job)
import { findExportFor } from "@/lib/exports/find-export";
import { showExport } from "@/lib/exports/present-export";
import { otherMethods, withUser } from "@/lib/http/handler";

export const GET = withUser<{ jobId: string }>(
  async ({ user, params, locale }) => {
    const job = await findExportFor(user, params.jobId);
    return Response.json(await showExport(job, user, locale), { headers: { "Cache-Control": "no-store" } });
  },
  { can: "history.own" },
);

export const { HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET });
