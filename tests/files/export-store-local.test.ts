// The store contract on the local export folder.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";
import { LocalExportStore } from "@/lib/files/export-store";
import { exportStoreContract } from "./export-store.contract";

const dir = mkdtempSync(path.join(os.tmpdir(), "outport-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

exportStoreContract("local", () => ({
  store: new LocalExportStore(dir),
  paged: () => new LocalExportStore(dir),
  overwrite: async (key, bytes) => writeFileSync(path.join(dir, key), bytes),
  leftovers: async () => readdirSync(dir).filter((name) => name.endsWith(".part")),
}));
