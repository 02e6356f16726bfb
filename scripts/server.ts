// The web server the launcher runs (in place of `next start` / `next dev`): Next's request
// handler behind our HTTP edge (lib/http/edge-server.ts), which answers malformed requests
// itself, bounds slow ones and tells the app the connection's peer address. HOST and PORT
// from the environment; --dev for the development server. The export workers start inside
// Next (instrumentation.ts) and, with NEXT_MANUAL_SIG_HANDLE set, own SIGTERM/SIGINT.
import { createEdgeServer } from "../lib/http/edge-server";
import { parseTrustedProxies, TrustedProxiesError } from "../lib/http/client-address";

const dev = process.argv.includes("--dev");
const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 3000);
// What `next start` and `next dev` set before loading anything of Next.
Object.assign(process.env, { NODE_ENV: dev ? "development" : "production" });

async function main(): Promise<void> {
  try {
    parseTrustedProxies(process.env.OUTPORT_TRUSTED_PROXIES);
  } catch (error) {
    if (!(error instanceof TrustedProxiesError)) throw error;
    console.error(`[outport] ${error.message}`);
    process.exit(1);
  }
  const { server, setHandler } = createEdgeServer();
  const { default: next } = await import("next");
  const app = next({ dev, hostname: host, port, httpServer: server });
  await app.prepare();
  setHandler(app.getRequestHandler());
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });

  // On a signal, take no new connections and let requests in flight finish. When the
  // workers handle the signal (they exit the process once their jobs are settled), that is
  // all; otherwise exit once the server is closed, or after 10 s.
  const workersOwnSignals = process.env.NEXT_MANUAL_SIG_HANDLE === "1";
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    server.close(() => {
      if (!workersOwnSignals) process.exit(signal === "SIGINT" ? 130 : 143);
    });
    server.closeIdleConnections();
    if (!workersOwnSignals) setTimeout(() => process.exit(signal === "SIGINT" ? 130 : 143), 10_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  console.error("[outport] The web server did not start:", error);
  process.exit(1);
});
