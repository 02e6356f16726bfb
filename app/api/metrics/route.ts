// GET /api/metrics – Prometheus metrics of the installation, for an admin or the scraper's token
import { otherMethods, withUser } from "@/lib/http/handler";
import { metricsToken } from "@/lib/metrics/metrics-token";
import { METRICS_CONTENT_TYPE, scrapeMetrics } from "@/lib/metrics/scrape-metrics";

export const dynamic = "force-dynamic";

export const GET = withUser(
  async () =>
    new Response(await scrapeMetrics(), {
      headers: { "content-type": METRICS_CONTENT_TYPE, "cache-control": "no-store" },
    }),
  { can: "audit.view", serviceToken: metricsToken },
);

export const { HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = otherMethods({ GET });
