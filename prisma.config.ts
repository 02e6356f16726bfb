// Prisma CLI configuration. The CLI runs its WebAssembly schema engine through a driver
// adapter (no native engine download, which fails offline). The stock @prisma/adapter-pg
// 6.19 needs three fixes for `migrate deploy|dev|status` to work (prisma/orm#27403);
// they live here because only the CLI needs them — the app's runtime client uses the
// plain adapter (lib/data/prisma.ts). tests/data/migrations.test.ts keeps this honest.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { defineConfig } from "prisma/config";

const connectionString = process.env.DATABASE_URL;

// (1) The schema engine reads catalog columns of type `name` / `"char"` (and their
// arrays), which the adapter refuses as unsupported. They are plain text to it.
const TEXT_OID = 25;
const TEXT_ARRAY_OID = 1009;
const SYSTEM_TEXT_TYPES = new Map([
  [18, TEXT_OID], // "char"
  [19, TEXT_OID], // name
  [1002, TEXT_ARRAY_OID], // "char"[]
  [1003, TEXT_ARRAY_OID], // name[]
]);

function reportSystemTypesAsText(result: unknown): unknown {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results as Array<{ fields?: Array<{ dataTypeID: number }> }>) {
    for (const field of r?.fields ?? []) {
      field.dataTypeID = SYSTEM_TEXT_TYPES.get(field.dataTypeID) ?? field.dataTypeID;
    }
  }
  return result;
}

class CatalogFriendlyClient extends pg.Client {
  // pg's query() has many overloads (promise, callback — pg.Pool always passes one);
  // the fields are rewritten whichever form delivers the result.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- forwards every overload unchanged
  query(...args: any[]): any {
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (error: unknown, result: unknown) =>
        last(error, error ? result : reportSystemTypesAsText(result));
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
    const out = (super.query as (...a: any[]) => any)(...args);
    return out && typeof out.then === "function" ? out.then(reportSystemTypesAsText) : out;
  }
}

function poolConfig(database?: string): pg.PoolConfig {
  if (!connectionString) throw new Error("DATABASE_URL must be set for Prisma CLI commands");
  const url = new URL(connectionString);
  const sslmode = url.searchParams.get("sslmode");
  // (2) Separate fields, not a connection string: a connectionString would override
  // `database`, and the shadow database's statements would run on the main database.
  return {
    host: decodeURIComponent(url.hostname),
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: database ?? decodeURIComponent(url.pathname.slice(1)),
    ssl: sslmode && sslmode !== "disable" ? { rejectUnauthorized: sslmode === "verify-full" } : undefined,
    Client: CatalogFriendlyClient,
    // (3) Let the CLI exit as soon as it is done instead of waiting on idle connections.
    allowExitOnIdle: true,
    max: 4,
  };
}

class MigrationAdapterFactory extends PrismaPg {
  constructor() {
    super(poolConfig());
  }

  async connectToShadowDb() {
    const admin = new pg.Pool(poolConfig());
    const database = `prisma_shadow_${crypto.randomUUID().replaceAll("-", "")}`;
    await admin.query(`CREATE DATABASE "${database}"`);
    const shadow = new PrismaPg(poolConfig(database));
    const adapter = await shadow.connect();
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.end();
    };
    return adapter;
  }
}

// (3, continued) The schema engine arms long timers that keep the process alive after the
// command has finished; nothing in a CLI run needs to outlive its work.
const armTimer = globalThis.setTimeout;
globalThis.setTimeout = ((handler: () => void, ms?: number, ...rest: unknown[]) => {
  const timer = armTimer(handler, ms, ...rest) as unknown as NodeJS.Timeout;
  if ((ms ?? 0) >= 1000) timer.unref();
  return timer;
}) as typeof setTimeout;

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  adapter: async () => new MigrationAdapterFactory(),
});
