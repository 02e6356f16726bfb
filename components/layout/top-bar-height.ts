// The top bar's height as the page knows it: TopBarFrame measures the bar and keeps it in a
// CSS variable on the document; what sits just below the bar (the toasts, the phone's
// running-exports panel) places itself with it. Before the first measure, 4rem: the bar's
// height on one row.

/** The CSS variable holding the bar's height, in px. */
export const TOP_BAR_HEIGHT_VAR = "--topbar-h";

/** The bar's height as a CSS value. */
export const TOP_BAR_HEIGHT = `var(${TOP_BAR_HEIGHT_VAR}, 4rem)`;
