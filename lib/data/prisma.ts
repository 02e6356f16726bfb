// The app's Prisma client: one per process, on the pg driver adapter (no native engine).
import { PrismaPg } from "@prisma/adapter-pg";
import { databaseUrl } from "../config";
import { PrismaClient } from "../generated/prisma/client";

const globalForPrisma = globalThis as unknown as { outportPrisma?: PrismaClient };

function createClient(): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl(), max: 10 }) });
}

/** Lazily created so importing this module never needs a database. */
export function prisma(): PrismaClient {
  globalForPrisma.outportPrisma ??= createClient();
  return globalForPrisma.outportPrisma;
}

export async function disconnectPrisma(): Promise<void> {
  await globalForPrisma.outportPrisma?.$disconnect();
  globalForPrisma.outportPrisma = undefined;
}
