// The scraper's secret: `Authorization: Bearer $OUTPORT_METRICS_TOKEN` reads /api/metrics
// without a user. Read at each request, so a changed environment needs no code; unset or
// empty: only an admin's session or token reads the metrics.
export function metricsToken(): string | undefined {
  const token = process.env.OUTPORT_METRICS_TOKEN?.trim();
  return token ? token : undefined;
}
