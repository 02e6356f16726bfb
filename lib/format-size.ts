// File sizes as people read them: "512 B", "12.3 KB", "6.0 MB" (binary units, one decimal).
const UNITS = ["KB", "MB", "GB", "TB"] as const;

export function formatFileSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return "—";
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // 1023.96 KB would print as "1024.0 KB": move up a unit instead.
  if (value.toFixed(1) === "1024.0" && unit < UNITS.length - 1) {
    value = 1;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}
