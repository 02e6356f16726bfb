// Tailwind 4 reads its theme from CSS; this file (loaded by app/globals.css via @config)
// keeps the few project-wide choices in one typed place.
import type { Config } from "tailwindcss";

const config: Config = {
  content: ["./app/**/*.{ts,tsx}", "./components/**/*.{ts,tsx}"],
  theme: {
    extend: {
      fontFamily: {
        sans: ["var(--font-inter)", "Noto Sans KR", "Noto Sans SC", "system-ui", "sans-serif"],
      },
      colors: {
        brand: { 50: "#eef3fb", 100: "#d9e4f6", 500: "#4472c4", 600: "#3a62a9", 700: "#2f4f88" },
      },
    },
  },
};

export default config;
