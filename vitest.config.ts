import path from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

const root = path.dirname(fileURLToPath(import.meta.url));

// vitest 5 reports failures with Map.groupBy, which Node 20 lacks (Node 21+ has it).
if (typeof (Map as { groupBy?: unknown }).groupBy !== "function") {
  Object.defineProperty(Map, "groupBy", {
    value<T, K>(items: Iterable<T>, keyOf: (item: T, index: number) => K): Map<K, T[]> {
      const groups = new Map<K, T[]>();
      let index = 0;
      for (const item of items) {
        const key = keyOf(item, index++);
        const group = groups.get(key);
        if (group) group.push(item);
        else groups.set(key, [item]);
      }
      return groups;
    },
  });
}

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { "@": root } },
  test: {
    globals: true,
    projects: [
      {
        extends: true,
        // The fast tier (npm run test:fast, with the components): no database, no big files.
        test: {
          name: "unit",
          environment: "node",
          include: ["tests/**/*.test.ts"],
          exclude: ["tests/**/*.db.test.ts", "tests/**/*.slow.test.ts", "tests/scale/**"],
        },
      },
      {
        // Slow round trips without a database: PDF reports read back, files of 100k rows.
        extends: true,
        test: {
          name: "slow",
          environment: "node",
          include: ["tests/**/*.slow.test.ts"],
          testTimeout: 30_000,
        },
      },
      {
        // Integration tests on a real PostgreSQL, seeded once with the demo data.
        extends: true,
        test: {
          name: "db",
          environment: "node",
          include: ["tests/**/*.db.test.ts"],
          exclude: ["tests/cli/**"],
          globalSetup: ["tests/setup/database.ts"],
          setupFiles: ["tests/setup/database-env.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The real CLI against the built app (npm run test:cli, after the build): a
        // database like the db project's, the app started on a port of its own.
        extends: true,
        test: {
          name: "cli",
          environment: "node",
          include: ["tests/cli/**/*.db.test.ts"],
          globalSetup: ["tests/setup/database.ts"],
          setupFiles: ["tests/setup/database-env.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Many processes on a separately-run PostgreSQL (npm run test:scale, after the build;
        // skipped with its reason printed unless TEST_SCALE_DATABASE_URL is set).
        extends: true,
        test: {
          name: "scale",
          environment: "node",
          include: ["tests/scale/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          name: "components",
          environment: "jsdom",
          include: ["tests/**/*.test.tsx"],
          setupFiles: ["tests/setup/dom.ts"],
        },
      },
    ],
  },
});
