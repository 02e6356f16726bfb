#!/usr/bin/env node
// The `outport` command: TypeScript run through tsx's loader, so `npx outport` works after
// `npm install` (and `npm link` puts it on the PATH) with no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
const code = await main(process.argv);
// Exit once what was written has been handed over: a request that Ctrl-C aborted must not
// keep the process alive (or leave it to end with Node's own code).
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
