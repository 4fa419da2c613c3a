/** @bulwark/report: diagrams as SVG and the model's reports (see README.md). */
export { escapeMarkup } from './escape.js';
export { autoLayout } from './layout.js';
export { DEFAULT_SIZE, SIZE, type Size, sizeOf } from './shapes.js';
export { CHECK_FIELDS, CheckExpressionError, DEFAULT_FAIL_ON, parseCheck } from './check.js';
