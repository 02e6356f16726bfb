// GET /api/health – the database, the export store, the job queues and the live workers, for load balancers and operators
import { otherMethods, withUser } from "@/lib/http/handler";
import { checkHealth } from "@/lib/metrics/check-health";

export const dynamic = "force-dynamic";

export const GET = withUser(
  async () => {
    const health = await checkHealth();
    return Response.json(health, {
      status: health.status === "ok" ? 200 : 503,
      headers: { "cache-control": "no-store" },
    });
  },
  { public: true },
);

export const { HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET });
