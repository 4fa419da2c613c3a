import { readFileSync } from 'node:fs';
import { analyze, modelDigest, parseModel, type ThreatModel } from '@bulwark/core';
import { loadResolvedTemplate } from '@bulwark/templates';
import { describe, expect, it } from 'vitest';
import { htmlReport } from './html.js';

const loaded = loadResolvedTemplate('infrastructure');
if (!loaded.ok) throw new Error(loaded.error.message);
const template = loaded.value;
const example = (): ThreatModel => {
  const parsed = parseModel(
    JSON.parse(readFileSync(new URL('../../../examples/infrastructure.bulwark.json', import.meta.url), 'utf8')),
  );
  if (!parsed.ok) throw new Error('the example does not parse');
  return analyze(parsed.value, template).model;
};

describe('the HTML report', () => {
  it("holds the title page, scope, each diagram, every element's interactions, the threats by interaction, counts and notes", async () => {
    const model = example();
    const html = await htmlReport(model, template, { generatedAt: '2026-11-22T10:00:00Z', generator: 'Bulwark test' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<h1>Infrastructure</h1>');
    expect(html).toContain('Zero trust');
    expect((html.match(/<figure class="diagram"><svg /g) ?? []).length).toBe(model.diagrams.length);
    expect(html).toContain('<h3>Firewall service</h3>');
    // Every threat appears once, grouped under its interaction.
    expect((html.match(/<article class="threat"/g) ?? []).length).toBe(model.threats?.length);
    expect(html).toMatch(/<h3>User → Microsoft 365 \([^)]*\) <span class="count">\d+<\/span><\/h3>/);
    expect(html).toContain('aria-label="Threats by status"');
    // Self-contained: no scripts, no outside resources.
    expect(html).not.toMatch(/<script|src="http|href="http|<link /i);
  });

  it('is the same bytes for the same model', async () => {
    const model = example();
    expect(await htmlReport(model, template)).toBe(await htmlReport(model, template));
  });

  it('says on the title page and in a Review section who signed off, and whether the model changed since', async () => {
    const model = example();
    const unsigned = await htmlReport(model, template);
    expect(unsigned).toContain('<tr><th>Sign-off</th><td>Not signed off</td></tr>');
    expect(unsigned).toContain('<section id="review"><h2>Review</h2>\n<p class="none">Not signed off.</p></section>');

    const digest = modelDigest(model);
    const signed: ThreatModel = {
      ...model,
      review: {
        signOffs: [
          { by: 'Old <reviewer>', at: '2026-10-01T08:00:00Z', version: 3, digest: 'a'.repeat(64) },
          { by: 'Rui & Co', at: '2026-11-20T09:30:00Z', version: 5, digest, note: 'Walked it "end to end".' },
        ],
      },
    };
    const html = await htmlReport(signed, template);
    expect(html).toContain('<tr><th>Sign-off</th><td>Signed off by Rui &amp; Co on 2026-11-20 (version 5)</td></tr>');
    expect(html).toContain('<li><a href="#review">Review</a></li>');
    expect(html).toContain(
      '<tr><td>Old &lt;reviewer&gt;</td><td>2026-10-01</td><td>3</td><td></td><td><strong class="changed">Changed since</strong></td></tr>',
    );
    expect(html).toContain(
      '<tr><td>Rui &amp; Co</td><td>2026-11-20</td><td>5</td><td>Walked it &quot;end to end&quot;.</td><td>Unchanged</td></tr>',
    );

    const edited: ThreatModel = { ...signed, metadata: { ...signed.metadata, owner: 'someone else' } };
    expect(await htmlReport(edited, template)).toContain(
      '<tr><th>Sign-off</th><td class="changed">Changed since the last sign-off, by Rui &amp; Co on 2026-11-20 (version 5)</td></tr>',
    );
  });
});
