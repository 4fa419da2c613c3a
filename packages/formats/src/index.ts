/**
 * @bulwark/formats: other tools' files in and out, one file per format. Each format says how to
 * recognise its files by content, what it reads and, for .tm7, what it writes.
 */

/** Diagrams as Mermaid flowcharts and Graphviz DOT digraphs: written only. */
export {
  dotDiagram,
  dotFormat,
  dotText,
  mermaidDiagram,
  mermaidFormat,
  mermaidText,
  writeDot,
  writeMermaid,
} from './diagramText.js';
/** What every model format offers, and the list of them (detection by content). */
export type { FormatOutput, ModelFormat, ModelImport, ReadOptions } from './format.js';
/** Open Threat Model (OTM 0.1.0 / 0.2.0, JSON or YAML): read and written. */
export { exportOtm, importOtm, looksLikeOtm, otmFormat, otmStatus } from './otm.js';
/** Every format in detection order, found by content, by id, or (to write) by a file name's ending. */
export { detectFormat, formatById, GENERIC_ENDINGS, MODEL_FORMATS, writerForFileName } from './registry.js';
/** .tb7 templates: read and written. */
export { exportTb7, importTb7, looksLikeTb7, tb7ExportLosses } from './tb7.js';
/** Threagile YAML models: read, includes followed through readRelated. */
export { importThreagile, looksLikeThreagile, threagileFormat } from './threagile.js';
/** AWS Threat Composer (.tc.json) workspaces: read, statements rendered as sentences. */
export {
  importThreatComposer,
  looksLikeThreatComposer,
  renderStatement,
  threatComposerFormat,
  threatStatement,
} from './threatComposer.js';
/** OWASP Threat Dragon models (v1 and v2): read, and written as v2 or v1. */
export {
  exportThreatDragon,
  exportThreatDragonV1,
  importThreatDragon,
  looksLikeThreatDragon,
  threatDragonFormat,
  threatDragonV1Format,
} from './threatDragon.js';
/** .tm7 models: read and written. */
export {
  exportTm7,
  exportTm7Parts,
  importTm7,
  looksLikeTm7,
  type Tm7Import,
  tm7ExportWarnings,
  tm7Format,
  tm7Guid,
  tm7ReverseGuid,
} from './tm7.js';
/** OWASP TM-BOM (the Threat Model Library's JSON and its CycloneDX wrapping): read and written. */
export {
  exportTmBom,
  exportTmBomCycloneDx,
  importTmBom,
  looksLikeTmBom,
  tmBomCycloneDxFormat,
  tmBomFormat,
} from './tmBom.js';
/** The Microsoft Threat Modeling Tool's knowledge base as a Bulwark template, and back. */
export {
  knowledgeBaseToTemplate,
  readManifest,
  type TmtManifest,
  templateToKnowledgeBase,
} from './tmtKnowledgeBase.js';
/** Safe, namespace-aware XML reading (DTDs refused). */
export { child, children, parseXml, textOf, type XmlNode } from './xml.js';
