#!/usr/bin/env node
// The `outport` command: TypeScript run through tsx's loader, so `npx outport` works after
// `npm install` (and `npm link` puts it on the PATH) with no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv);
