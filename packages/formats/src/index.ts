/**
 * @bulwark/formats: other tools' files in and out, one file per format. Each format says how to
 * recognise its files by content and what it reads (and, later, writes).
 */

/** .tb7 templates. */
export { importTb7, looksLikeTb7 } from './tb7.js';
/** .tm7 models. */
export { importTm7, looksLikeTm7, type Tm7Import } from './tm7.js';
/** The Microsoft Threat Modeling Tool's knowledge base as a Bulwark template. */
export { knowledgeBaseToTemplate, readManifest, type TmtManifest } from './tmtKnowledgeBase.js';
/** Safe, namespace-aware XML reading (DTDs refused). */
export { child, children, parseXml, textOf, type XmlNode } from './xml.js';
