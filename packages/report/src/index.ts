/** @bulwark/report: diagrams as SVG and the model's reports (see README.md). */
export { escapeMarkup } from './escape.js';
