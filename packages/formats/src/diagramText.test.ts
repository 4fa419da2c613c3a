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
      '1 line trust boundary cannot be drawn in DOT; left out.',
      "DOT keeps the diagram's shapes, names and nesting only: positions, properties, threats and the model's metadata are not written.",
    ]);
    expect(dotFormat.write).toBeDefined();
    expect(dotFormat.read).toBeUndefined();
  });

  it('writes every diagram as a digraph of its own', () => {
    const model = buildModel('Two', 'stride').diagram('a', 'A').process('p').diagram('b', 'B').store('s').build();
    expect(writeDot(model).text.match(/^digraph d\d+ \{$/gm)).toEqual(['digraph d1 {', 'digraph d2 {']);
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
    expect(warnings[0]).toBe('1 line trust boundary cannot be drawn in Mermaid; left out.');
    expect(mermaidFormat.id).toBe('mermaid');
  });

  it('writes the first diagram and says which ones it left out', () => {
    const model = buildModel('Two', 'stride').diagram('a', 'A').process('p').diagram('b', 'B').store('s').build();
    const { text, warnings } = writeMermaid(model);
    expect(text.match(/^flowchart/gm)).toHaveLength(1);
    expect(warnings[0]).toBe('Mermaid holds one diagram per file: only "A" was written; "B" left out.');
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
