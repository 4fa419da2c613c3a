/**
 * The Microsoft Threat Modeling Tool's template file (.tb7): an XmlSerializer
 * `<KnowledgeBase>` with element types, categories and threat types, read into a Bulwark
 * template.
 */
import { bulwarkError, err, ok, parseTemplate, type Result, type Template } from '@bulwark/core';
import { knowledgeBaseToTemplate } from './tmtKnowledgeBase.js';
import { parseXml } from './xml.js';

/** Is this text a .tb7 (by content, not name)? */
export function looksLikeTb7(text: string): boolean {
  return /^\s*(\uFEFF)?(<\?xml[^>]*\?>\s*)?<KnowledgeBase[\s>]/.test(text.slice(0, 400));
}

/** Reads a .tb7 file's text into a Bulwark template. */
export function importTb7(text: string, file = 'template.tb7'): Result<Template> {
  const parsed = parseXml(text, file, '.tb7 template');
  if (!parsed.ok) return parsed;
  if (parsed.value.name !== 'KnowledgeBase') {
    return err(
      bulwarkError(
        'PARSE_SYNTAX',
        `Not a .tb7 template: the root element is <${parsed.value.name}>, not <KnowledgeBase>.`,
        { file },
      ),
    );
  }
  const template = parseTemplate(knowledgeBaseToTemplate(parsed.value), file);
  if (!template.ok) return template;
  return ok(template.value);
}
