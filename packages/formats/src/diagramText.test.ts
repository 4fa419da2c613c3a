import { buildModel, type ThreatModel } from '@bulwark/core';
import { describe, expect, it } from 'vitest';
import { dotFormat, dotText, mermaidFormat, mermaidText, writeDot, writeMermaid } from './diagramText.js';

/** A small shop: a nested box in a box, one element of each kind, a two-way flow and a line boundary. */
function shop(names: {
  web: string;
  db: string;
  user: string;
  cloud: string;
  data: string;
  flow: string;
}): ThreatModel {
  const model = buildModel('Shop', 'stride')
    .diagram('context', 'Context')
    .boundary('cloud', { name: names.cloud })
    .boundary('data', { name: names.data, boundary: 'cloud' })
    .entity('user', { name: names.user })
    .process('web', { name: names.web, boundary: 'cloud' })
    .store('db', { name: names.db, boundary: 'data', grouped: true })
    .flow('user', 'web', undefined, { name: names.flow })
    .flow('web', 'db', undefined, { name: 'Queries', bidirectional: true })
    .line('edge', { x: 0, y: 0 }, { x: 10, y: 10 })
    .build();
  return model;
}

const PLAIN = { web: 'Web', db: 'Orders', user: 'Customer', cloud: 'Cloud', data: 'Data zone', flow: 'Orders in' };
const HOSTILE = {
  web: 'Web"]; evil [label="x',
  db: 'Orders}\n}\ndigraph x {',
  user: 'C\\"ustomer\r\n-->|x| n9',
  cloud: 'Cloud"; } subgraph cluster_9 { "',
  data: 'end\nstyle b1 fill:red\\',
  flow: 'in" ] ; n1 -> n2 [label="',
};

/** Two diagrams: A with a process, B with a store and a nameless entity it saves to. */
function twoDiagrams(): ThreatModel {
  return buildModel('Two', 'stride')
    .diagram('a', 'A')
    .process('p', { name: 'P' })
    .diagram('b', 'B')
    .store('s', { name: 'S' })
    .entity('e', { name: '' })
    .flow('s', 'e', undefined, { name: 'Saves' })
    .build();
}

describe('dotFormat', () => {
  it('writes a digraph with nested clusters, shapes per kind and labelled flows', () => {
    const { text, warnings } = writeDot(shop(PLAIN));
    expect(text).toBe(
      [
        'digraph d1 {',
        '  label="Context";',
        '  rankdir=LR;',
        '  compound=true;',
        '  n1 [label="Customer", shape=box];',
        '  subgraph cluster_1 {',
        '    label="Cloud";',
        '    style=dashed;',
        '    color="#d32f2f";',
        '    n2 [label="Web", shape=ellipse];',
        '    subgraph cluster_2 {',
        '      label="Data zone";',
        '      style=dashed;',
        '      color="#d32f2f";',
        '      n3 [label="Orders (grouped)", shape=cylinder];',
        '    }',
        '  }',
        '  n1 -> n2 [label="Orders in"];',
        '  n2 -> n3 [label="Queries", dir=both];',
        '}',
        '',
      ].join('\n'),
    );
    expect(warnings).toEqual([
      '1 line trust boundary cannot be drawn in DOT (a line has no inside); left out: "edge".',
      "DOT keeps the diagram's shapes, names and nesting only: positions, properties, threats and the model's metadata are not written.",
    ]);
    expect(dotFormat.write).toBeDefined();
    expect(dotFormat.read).toBeUndefined();
  });

  it('writes several diagrams as one digraph, a cluster each, ids unique across them, and says so', () => {
    const { text, summary } = writeDot(twoDiagrams());
    expect(text.match(/^digraph /gm)).toHaveLength(1);
    expect(text).toContain('  label="Two";');
    expect(text).toContain(
      '  subgraph cluster_1 {\n    label="A";\n    color="#9e9e9e";\n    n1 [label="P", shape=ellipse];',
    );
    expect(text).toContain(
      '  subgraph cluster_2 {\n    label="B";\n    color="#9e9e9e";\n    n2 [label="S", shape=cylinder];',
    );
    expect(text).toContain('  n2 -> n3 [label="Saves"];');
    expect(summary).toBe('2 diagrams as clusters of one graph, 3 shapes, 0 box boundaries, 1 flow');
  });

  it('names the flows it leaves out, with their diagram', () => {
    const model = twoDiagrams();
    const b = model.diagrams[1];
    if (!b) throw new Error('no diagram B');
    // A flow whose source is on the other diagram: its end is not a shape of this one.
    b.elements.push({ kind: 'dataFlow', id: 'f9', typeId: 'GE.DF', name: 'Stray', source: 'p', target: 's' });
    expect(writeDot(model).warnings).toContain(
      '1 flow(s) whose ends are not shapes of their diagram were left out: "Stray" (B).',
    );
  });

  it('keeps quotes, braces, backslashes and line breaks in names inside their labels', () => {
    const strings = /"(?:[^"\\\n]|\\.)*"/g;
    const plain = writeDot(shop(PLAIN)).text;
    const hostile = writeDot(shop(HOSTILE)).text;
    // Without its quoted strings, the hostile file has exactly the structure of the plain one.
    expect(hostile.replace(strings, '""')).toBe(plain.replace(strings, '""'));
    // And each label reads back as the name it came from (line breaks as DOT's \n).
    const labels = [...hostile.matchAll(/label="((?:[^"\\\n]|\\.)*)"/g)].map((m) =>
      (m[1] ?? '').replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)),
    );
    expect(labels).toEqual([
      'Context',
      'C\\"ustomer\n-->|x| n9',
      HOSTILE.cloud,
      HOSTILE.web,
      `${HOSTILE.data} `, // a final backslash gets a space (see dotText)
      `${HOSTILE.db} (grouped)`,
      HOSTILE.flow,
      'Queries',
    ]);
    expect(dotText('a\\nb')).toBe('a\\\\nb');
    // Graphviz would read a final backslash as escaping the closing quote.
    expect(dotText('ends in \\')).toBe('ends in \\\\ ');
    expect(dotText('tab\there\u0007')).toBe('tabhere');
  });
});

describe('mermaidFormat', () => {
  it('writes a flowchart with nested subgraphs, shapes per kind and labelled flows', () => {
    const { text, warnings } = writeMermaid(shop(PLAIN));
    expect(text).toBe(
      [
        'flowchart LR',
        '  n1["Customer"]',
        '  subgraph b1["Cloud"]',
        '    n2(("Web"))',
        '    subgraph b2["Data zone"]',
        '      n3[("Orders #40;grouped#41;")]',
        '    end',
        '  end',
        '  n1 -->|"Orders in"| n2',
        '  n2 <-->|"Queries"| n3',
        '  style b1 fill:none,stroke:#d32f2f,stroke-dasharray:6 4',
        '  style b2 fill:none,stroke:#d32f2f,stroke-dasharray:6 4',
        '',
      ].join('\n'),
    );
    expect(warnings[0]).toBe(
      '1 line trust boundary cannot be drawn in Mermaid (a line has no inside); left out: "edge".',
    );
    expect(mermaidFormat.id).toBe('mermaid');
  });

  it('writes several diagrams as one flowchart, a subgraph each, ids unique across them, and says so', () => {
    const { text, summary } = writeMermaid(twoDiagrams());
    expect(text).toBe(
      [
        'flowchart LR',
        '  subgraph d1["A"]',
        '    n1(("P"))',
        '  end',
        '  subgraph d2["B"]',
        '    n2[("S")]',
        '    n3["#160;"]',
        '  end',
        '  n2 -->|"Saves"| n3',
        '  style d1 fill:none,stroke:#9e9e9e',
        '  style d2 fill:none,stroke:#9e9e9e',
        '',
      ].join('\n'),
    );
    expect(summary).toBe('2 diagrams as subgraphs of one graph, 3 shapes, 0 box boundaries, 1 flow');
  });

  it('says when the file passes the limits Mermaid (and GitHub) draw by default', () => {
    let builder = buildModel('Big', 'stride').diagram('a', 'A').process('p0');
    for (let i = 1; i <= 501; i++) builder = builder.process(`p${i}`).flow(`p${i - 1}`, `p${i}`);
    expect(writeMermaid(builder.build()).warnings[0]).toMatch(
      /^Mermaid draws at most 50,000 characters and 500 arrows .* 501 arrows/,
    );
  });

  it('keeps quotes, brackets, pipes and line breaks in names inside their labels', () => {
    const plain = writeMermaid(shop(PLAIN)).text;
    const hostile = writeMermaid(shop(HOSTILE)).text;
    const strings = /"[^"\n]*"/g;
    expect(hostile.replace(strings, '""')).toBe(plain.replace(strings, '""'));
    expect(hostile.split('\n')).toHaveLength(plain.split('\n').length);
    expect(mermaidText('a"b\nc|d')).toBe('a#quot;b<br>c#124;d');
  });
});
