// GET /api/health – liveness and database reachability, for load balancers and tests
import { pgPool } from "@/lib/data/pg";
import { otherMethods, withUser } from "@/lib/http/handler";

export const dynamic = "force-dynamic";

export const GET = withUser(
  async () => {
    const started = performance.now();
    try {
      await pgPool().query("SELECT 1");
      return Response.json({ status: "ok", database: "ok", database_ms: Math.round(performance.now() - started) });
    } catch {
      return Response.json({ status: "error", database: "unreachable" }, { status: 503 });
    }
  },
  { public: true },
);

export const { HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET });
