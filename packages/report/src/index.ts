/** @bulwark/report: diagrams as SVG and the model's reports (see README.md). */

export { CHECK_FIELDS, CheckExpressionError, DEFAULT_FAIL_ON, parseCheck } from './check.js';
export { CSV_COLUMNS, type CsvOptions, csvField, renderCsv } from './csv.js';
export {
  type ElementIcon,
  elementIcon,
  ICON_RULES,
  type IconName,
  type IconNode,
  iconNamed,
  iconSymbol,
} from './elementIcons.js';
export { escapeMarkup } from './escape.js';
export {
  END_GAP,
  type FlowCurve,
  type FlowEnd,
  type FlowGeometry,
  type FlowInput,
  FlowObstacles,
  type FlowRoute,
  flowGeometry,
  flowLanes,
  flowPathData,
  flowRoute,
  LABEL_SPOTS,
  LANE_GAP,
  type Lane,
  outlineAt,
  outlineLength,
  outlineOffset,
  outlinePoint,
  ROUTE_MARGIN,
  type SpreadFlow,
  spreadEnds,
  spreadPositions,
} from './flowGeometry.js';
export {
  isReportFormat,
  REPORT_FORMATS,
  type ReportFormat,
  type ReportOptions,
  renderReport,
  renderReportParts,
  type TextReportFormat,
} from './formats.js';
export {
  type HtmlReportOptions,
  htmlReport,
  htmlReportParts,
  htmlReportStream,
  REPORT_CSP,
  renderHtmlReport,
  reportDiagrams,
} from './html.js';
export { renderJson } from './json.js';
export {
  applyLayout,
  autoLayout,
  changedCrossings,
  type LayoutPlan,
  type LayoutResult,
  type LayoutStrategy,
  layoutDiagram,
  needsLayout,
  planLayout,
} from './layout.js';
export {
  compareQuality,
  flowPath,
  type LayoutQuality,
  measureLayout,
  type PlacedShape,
  qualityChange,
  qualityWords,
} from './layoutQuality.js';
export { mdText, mermaidFlowchart, mermaidLabel, renderMarkdown } from './markdown.js';
export { renderSarif, renderSarifParts, type SarifOptions, sarifLevel } from './sarif.js';
export { DEFAULT_SIZE, KIND_WORDS, SIZE, type Size, sizeOf } from './shapes.js';
export {
  type SignOffRow,
  type SignOffState,
  signOffDay,
  signOffState,
  signOffSummary,
  signOffWords,
} from './signOffs.js';
export { layoutAndRenderSvg, Occupied, renderDiagramSvg, type SvgOptions, wrapText } from './svg.js';
export {
  groupThreats,
  indexElements,
  orderedThreats,
  STATUS_LABELS,
  type ThreatGroup,
  type ThreatPlace,
  threatPlace,
} from './threatOrder.js';
