#!/usr/bin/env node
// Runs the Prisma CLI with what every command needs on these machines: no telemetry,
// and a DATABASE_URL even for commands that never connect (`generate`), without which
// the CLI tries to download a native engine.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: {
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL || "postgresql://outport:outport@127.0.0.1:5432/outport",
  },
});
process.exit(result.status ?? 1);
