// The report's colours, shared by the react-pdf pages and the table painter.
export const BRAND = "#4472C4";
export const INK = "#111827";
export const MUTED = "#4B5563";
export const RULE = "#9CA3AF";
export const HEADER_FILL = "#1F2937";
export const ZEBRA_FILL = "#F1F5F9";
export const WHITE = "#FFFFFF";
