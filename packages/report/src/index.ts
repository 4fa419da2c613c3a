/** @bulwark/report: diagrams as SVG and the model's reports (see README.md). */
export { escapeMarkup } from './escape.js';
export { autoLayout, needsLayout } from './layout.js';
export { DEFAULT_SIZE, KIND_WORDS, SIZE, type Size, sizeOf } from './shapes.js';
export { layoutAndRenderSvg, renderDiagramSvg, type SvgOptions, wrapText } from './svg.js';
export { CHECK_FIELDS, CheckExpressionError, DEFAULT_FAIL_ON, parseCheck } from './check.js';
