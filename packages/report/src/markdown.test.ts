import { readFileSync } from 'node:fs';
import { buildModel, modelDigest, type ThreatModel } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { mdText, mermaidFlowchart, mermaidLabel, renderMarkdown } from './markdown.js';
import { analysedExample, EXAMPLE_URL } from './testing/example.js';
import { markdownHtml, tableCells } from './testing/markdownHtml.js';

const { model, template } = analysedExample(readFileSync(EXAMPLE_URL, 'utf8'));
const md = renderMarkdown(model, template);

describe('renderMarkdown', () => {
  it('says who signed off and whether the model changed since, in the facts and a Review section', () => {
    expect(md).toContain('- **Sign-off:** Not signed off\n');
    expect(md).toContain('## Review\n\nNot signed off.\n');
    const signed: ThreatModel = {
      ...model,
      review: {
        signOffs: [
          { by: 'Ana', at: '2026-10-01T08:00:00Z', version: 3, digest: 'a'.repeat(64), note: 'First pass' },
          { by: 'Rui', at: '2026-11-20T09:30:00Z', version: 5, digest: modelDigest(model), note: '*all* <good>' },
        ],
      },
    };
    const out = renderMarkdown(signed, template);
    expect(out).toContain('- **Sign-off:** Signed off by Rui on 2026-11-20 (version 5)\n');
    expect(out).toContain(
      [
        '## Review',
        '',
        'Signed off by Rui on 2026-11-20 (version 5).',
        '',
        '| Reviewer | Signed off | Version | Note | The model since |',
        '|---|---|---|---|---|',
        '| Ana | 2026-10-01 | 3 | First pass | **Changed since** |',
        '| Rui | 2026-11-20 | 5 | \\*all\\* &lt;good&gt; | Unchanged |',
      ].join('\n'),
    );
    const edited = renderMarkdown({ ...signed, metadata: { ...signed.metadata, name: 'Renamed' } }, template);
    expect(edited).toContain('- **Sign-off:** Changed since the last sign-off, by Rui on 2026-11-20 (version 5)\n');
  });

  it('has the metadata, summary, diagrams, interactions, threats, assets and notes in order', () => {
    expect(md.startsWith('# Infrastructure: threat model report\n\n- **Owner:** IT security team\n')).toBe(true);
    const headings = md.match(/^## .*$/gm);
    expect(headings).toEqual([
      '## Description',
      '## Assumptions',
      '## External dependencies',
      '## Assets',
      '## Summary',
      '## Diagrams',
      '## Interactions',
      '## Threats',
      '## Review',
      ...(model.notes?.length ? ['## Notes'] : []),
    ]);
    expect(md).toContain(`${model.threats?.length} threats`);
    expect(md).toContain('| Not started | ');
    expect(renderMarkdown(model, template)).toBe(md);
  });

  it('renders as GitHub Markdown: every table a table with all its cells, each diagram a mermaid block', () => {
    const html = markdownHtml(md);
    const tables = md.match(/^\|---/gm)?.length ?? 0;
    expect(html.match(/<table>/g)).toHaveLength(tables);
    expect(html.match(/<pre><code class="language-mermaid">/g)).toHaveLength(model.diagrams.length);
    const { written, rendered } = tableCells(md);
    expect(rendered).toBe(written);
    expect(written).toBeGreaterThan(500);
  });

  it("has each element's interactions table with the seeds' columns", () => {
    expect(md).toContain(
      '### Firewall service\n\n| Element A | Data flow | Element B | Crosses boundary | Flow | Details |',
    );
    expect(md).toContain('| Firewall service | Bi-directional | VPN service | No | Remote access |');
  });

  it('groups threats under their interaction with category, priority, status and triage', () => {
    const section = md.slice(md.indexOf('### Firewall service → VPN service (Remote access)'));
    expect(section).toMatch(
      /^### Firewall service → VPN service \(Remote access\)\n\n\| Threat \| Category \| Priority \| Status \| Justification \| Mitigations \|/,
    );
  });

  it('draws each diagram as a Mermaid flowchart with generated ids, shapes by kind and nested boundaries', () => {
    const built = buildModel('Shapes')
      .boundary('outer', { name: 'Outer "zone"' })
      .boundary('inner', { name: 'Inner', boundary: 'outer' })
      .process('web', { name: 'Web [app]', boundary: 'inner' })
      .store('db', { name: 'DB', boundary: 'outer' })
      .entity('user', { name: 'User' })
      .flow('user', 'web', {}, { name: 'Requests' })
      .flow('web', 'db', {}, { name: 'SQL', bidirectional: true })
      .build();
    const chart = mermaidFlowchart(built.diagrams[0] as (typeof built.diagrams)[0]);
    expect(chart).toBe(
      [
        '```mermaid',
        'flowchart LR',
        '  subgraph b1["Outer #quot;zone#quot;"]',
        '    subgraph b2["Inner"]',
        '      n1(("Web #91;app#93;"))',
        '    end',
        '    n2[("DB")]',
        '  end',
        '  n3["User"]',
        '  n3 -->|"Requests"| n1',
        '  n1 <-->|"SQL"| n2',
        '  style b1 fill:none,stroke:#d32f2f,stroke-dasharray:6 4',
        '  style b2 fill:none,stroke:#d32f2f,stroke-dasharray:6 4',
        '```',
      ].join('\n'),
    );
  });

  it('draws annotations and nameless shapes, and names under the diagram what Mermaid cannot show', () => {
    const built = buildModel('Left out')
      .process('web', { name: '' })
      .store('db', { name: 'DB' })
      .flow('web', 'db', {}, { name: 'SQL' })
      .line('edge', { x: 0, y: 0 }, { x: 10, y: 10 }, { name: 'Internet edge' })
      .build();
    const [diagram] = built.diagrams;
    if (!diagram) throw new Error('no diagram');
    diagram.elements.push(
      { kind: 'annotation', id: 'note', typeId: 'GE.A', name: 'Check *this*' },
      { kind: 'dataFlow', id: 'stray', typeId: 'GE.DF', name: 'To nowhere', source: 'web', target: 'gone' },
    );
    const chart = mermaidFlowchart(diagram);
    expect(chart).toContain('  n1(("#160;"))');
    expect(chart).toContain('  n3>"Check *this*"]');
    expect(chart).not.toContain('To nowhere');
    expect(renderMarkdown(built, template)).toContain(
      `${chart}\n\n*Not drawn in Mermaid: 1 line trust boundary ("Internet edge"; \`bulwark render\` draws them); 1 flow whose ends are not on this diagram ("To nowhere").*\n`,
    );
    expect(md).not.toContain('Not drawn in Mermaid');
  });

  it('lists the elements out of scope with their reasons', () => {
    const [diagram] = model.diagrams;
    if (!diagram) throw new Error('no diagram');
    const elements = diagram.elements.map((e) =>
      e.name === 'GitHub' ? { ...e, outOfScope: true, outOfScopeReason: 'Run by <GitHub>' } : e,
    );
    const scoped = renderMarkdown({ ...model, diagrams: [{ ...diagram, elements }] }, template);
    expect(scoped).toContain('## Out of scope\n\n- **GitHub**: Run by &lt;GitHub&gt;\n\n## Summary');
    expect(md).not.toContain('## Out of scope');
  });

  it('copes with a model of 200,000 threats (no argument spreading of long lists)', () => {
    const threats = Array.from({ length: 200_000 }, (_, i) => ({
      id: `t${i}`,
      typeId: 'manual',
      origin: 'manual' as const,
      category: 'S',
      title: `Threat ${i}`,
      description: '',
      priority: 'High',
      status: 'not-started' as const,
      elementId: `e${i % 1000}`,
      orphaned: true,
    }));
    const big = renderMarkdown({ ...model, threats }, template);
    expect(big.match(/^\| \*\*Threat \d+/gm)).toHaveLength(200_000);
    expect(big).not.toContain('`bulwark render` draws this diagram as SVG');
    const [diagram] = model.diagrams;
    if (!diagram) throw new Error('no diagram');
    const flows = diagram.elements.filter((e) => e.kind === 'dataFlow');
    const many = { ...diagram, elements: [...diagram.elements, ...Array.from({ length: 20 }, () => flows).flat()] };
    expect(renderMarkdown({ ...model, diagrams: [many] }, template)).toContain(
      '*Mermaid (and so GitHub) draws up to 50,000 characters and 500 arrows: `bulwark render` draws this diagram as SVG.*',
    );
  });

  it('escapes user text for Markdown and for Mermaid labels', () => {
    expect(mdText('<b>x</b> & [a](b) | `c` *d* _e_')).toBe(
      '&lt;b&gt;x&lt;/b&gt; &amp; \\[a\\](b) \\| \\`c\\` \\*d\\* \\_e\\_',
    );
    expect(mdText('# h\nnext')).toBe('\\# h<br>next');
    expect(mdText('1. item')).toBe('1\\. item');
    expect(mermaidLabel('a"]-->X["b')).toBe('a#quot;#93;--#62;X#91;#quot;b');
    expect(mermaidLabel('two\nlines')).toBe('two<br>lines');
  });
});
