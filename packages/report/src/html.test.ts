import { readFileSync } from 'node:fs';
import { analyze, parseModel, type ThreatModel } from '@bulwark/core';
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
});
