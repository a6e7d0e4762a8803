/**
 * The backtest report: `renderReport` turns a result into one self-contained HTML page (the
 * parts live in `report/`), `reportFigures` gives the thinned curves and comparisons it draws.
 */
export { renderReport } from "./report/page.js";
export { reportFigures, type ReportFigures, type FigureOptions, type ModelComparison } from "./report/figures.js";
