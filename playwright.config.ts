import { defineConfig, devices } from "@playwright/test";

// E2E_PORT: a second checkout can run its suite beside this one.
const PORT = Number(process.env.E2E_PORT ?? 3100);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/e2e",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      testIgnore: /fuzz\.spec\.ts$/,
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1400, height: 900 },
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
    // The fuzz suite (e2e/fuzz.spec.ts) runs last, after every browser spec: it signs in
    // with bad credentials and spends the export rate limit, which must not slow or
    // refuse the specs after it. Alone: npx playwright test --project fuzz --no-deps
    {
      name: "fuzz",
      testMatch: /fuzz\.spec\.ts$/,
      dependencies: ["chromium"],
      retries: 0,
    },
  ],
  webServer: {
    // The real launcher on a throw-away embedded database, seeded with the demo data.
    command: "node --import tsx scripts/launcher.ts --fresh",
    url: `http://127.0.0.1:${PORT}/api/health`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: "pipe",
    // The specs export as the same few demo users, many within one minute; at the default
    // 10 a minute a fast machine refused one spec's download (429). The limit itself is
    // tested on the server (tests/exports/direct-export.db.test.ts: the 11th request gets 429).
    env: {
      PORT: String(PORT),
      OUTPORT_VAR_DIR: "var/e2e",
      NEXT_TELEMETRY_DISABLED: "1",
      OUTPORT_EXPORTS_PER_MINUTE: "100",
    },
  },
});
