/**
 * Hostile text through every format this file covers (Markdown, CSV, JSON, SARIF): no markup
 * gets into Markdown, Mermaid blocks stay well formed, CSV fields and JSON strings come back
 * exactly (CSV's formula guard aside).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, renderCsv } from './csv.js';
import { renderJson } from './json.js';
import { mermaidLabel, renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { parseCsv } from './testing/csvParse.js';
import { analysedExample, EXAMPLE_URL } from './testing/example.js';
import { hostileModel } from './testing/hostile.js';
import { markdownHtml, tableCells } from './testing/markdownHtml.js';
import { PAYLOADS } from './testing/payloads.js';

const { model: example, template } = analysedExample(readFileSync(EXAMPLE_URL, 'utf8'));
const model = hostileModel(example);

describe('Markdown', () => {
  const md = renderMarkdown(model, template);

  it('lets no tag from a payload through: every "<" starts one of the report\'s own tags', () => {
    const outsideMermaid = md.replace(/```mermaid\n[\s\S]*?\n```/g, '');
    const tags = outsideMermaid.match(/<[^>]*>?/g) ?? [];
    expect(new Set(tags)).toEqual(new Set(['<br>']));
    for (const p of PAYLOADS)
      for (const bad of ['<script', '<img', '<svg', '<iframe', '<b>', '<!--'])
        if (p.includes(bad)) expect(md).not.toContain(bad);
  });

  it("renders (GitHub-flavoured, by marked) to the report's own elements only: no element, attribute or script URL from a payload", () => {
    const html = markdownHtml(md);
    const { written, rendered } = tableCells(md);
    expect(rendered).toBe(written);
    const tags = new Set(html.match(/<[^>]*>/g) ?? []);
    const own = /^<\/?(h[1-3]|p|ul|li|strong|table|thead|tbody|tr|th|td|br|pre|code|a)( class="language-mermaid")?>$/;
    // Bare http(s) addresses in text are linked by GitHub too; nothing else becomes a link.
    const autolink = /^<a href="https?:\/\/[^"<>\s]*">$/;
    expect([...tags].filter((t) => !own.test(t) && !autolink.test(t))).toEqual([]);
    expect(html).not.toMatch(/href="javascript|<(img|script|svg|iframe)/i);
  });

  it("keeps the hostile reviewers' sign-offs to one table row each", () => {
    const review = md.slice(md.indexOf('\n## Review\n'));
    const rows = review.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Reviewer'));
    expect(rows).toHaveLength(model.review?.signOffs?.length ?? -1);
    for (const r of rows)
      expect(tableCells(`| a | b | c | d | e |\n|---|---|---|---|---|\n${r}`)).toEqual({ written: 10, rendered: 10 });
  });

  it('makes no link, image or code span from a payload', () => {
    expect(md).not.toMatch(/(^|[^\\])\]\(/m);
    expect(md).not.toMatch(/(^|[^\\])!\[/m);
    const outsideFences = md.replace(/```mermaid\n[\s\S]*?\n```/g, '');
    expect(outsideFences).not.toMatch(/(^|[^\\])`/m);
  });

  it('keeps every payload on its line: no heading, list or quote starts inside user text', () => {
    const headings = md.match(/^#+ .*$/gm) ?? [];
    for (const h of headings) expect(h).toMatch(/^#+ [^#]/);
    expect(md).not.toMatch(/^(\\)?> /m);
  });

  it('keeps Mermaid blocks well formed: quotes balanced, no bracket or quote from a payload', () => {
    const blocks = [...md.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1] as string);
    expect(blocks.length).toBe(model.diagrams.length);
    for (const block of blocks) {
      for (const line of block.split('\n').slice(1)) {
        expect(line).toMatch(
          /^ +(n\d+(\(\("[^"]*"\)\)|\[\("[^"]*"\)\]|\["[^"]*"\])|subgraph b\d+\["[^"]*"\]|end|n\d+ (<-->|-->)(\|"[^"]*"\|)? n\d+|style b\d+ [^"]+)$/,
        );
        for (const label of line.match(/"[^"]*"/g) ?? [])
          expect(label.replace(/#(quot|\d+);|<br>/g, '')).not.toMatch(/[<>[\]{}`;#|\\]/);
      }
    }
    for (const p of PAYLOADS) expect(mermaidLabel(p).replace(/<br>/g, '')).not.toMatch(/["<>[\]`]/);
  });
});

describe('CSV', () => {
  it('gives every payload back through an RFC 4180 parse, formulas guarded by one apostrophe', () => {
    const rows = parseCsv(renderCsv(model, template));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    const byId = new Map((model.threats ?? []).map((t) => [t.id, t]));
    expect(rows.length - 1).toBe(byId.size);
    const unguard = (field: string, original: string): string => {
      if (!/^[=+\-@\t\r]/.test(original)) return field;
      expect(field).toBe(`'${original}`);
      return field.slice(1);
    };
    for (const row of rows.slice(1)) {
      expect(row).toHaveLength(CSV_COLUMNS.length);
      const t = byId.get(row[0] as string);
      if (!t) throw new Error(`unknown threat ${row[0]}`);
      expect(unguard(row[1] as string, t.title)).toBe(t.title);
      expect(unguard(row[3] as string, t.priority)).toBe(t.priority);
      expect(unguard(row[10] as string, t.justification ?? '')).toBe(t.justification);
      expect(unguard(row[11] as string, t.mitigations ?? '')).toBe(t.mitigations);
      expect(unguard(row[12] as string, t.description)).toBe(t.description);
    }
  });
});

describe('JSON and SARIF', () => {
  it('give back every payload exactly', () => {
    const json = JSON.parse(renderJson(model));
    expect(json.metadata.assumptions).toEqual(PAYLOADS);
    expect(json.notes.map((n: { text: string }) => n.text)).toEqual(PAYLOADS);
    const titles = new Map((model.threats ?? []).map((t) => [t.id, t.title]));
    for (const t of json.threats) expect(t.title).toBe(titles.get(t.id));
    const sarif = JSON.parse(renderSarif(model, template, { modelUri: 'a model.bulwark.json' }));
    const threats = new Map((model.threats ?? []).map((t) => [t.id, t]));
    for (const r of sarif.runs[0].results) {
      const t = threats.get(r.partialFingerprints['bulwarkThreatId/v1']);
      expect(r.message.text.startsWith(t?.title ?? '?')).toBe(true);
      if (r.suppressions) expect(r.suppressions[0].justification).toBe(t?.justification);
    }
  });
});
