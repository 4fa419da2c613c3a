import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModel } from '@bulwark/core';
import { reportDiagrams } from '@bulwark/report';
import { findChromium } from '@bulwark/report/pdf';
import { describe, expect, it } from 'vitest';
import { WORKER_ELEMENTS } from '../diagrams.js';
import { ROOT, runCli, tempDir } from '../testing/runCli.js';

const EXAMPLE = 'examples/infrastructure.bulwark.json';

describe('bulwark report', () => {
  it('prints Markdown by default, with the diagram as Mermaid and the threats analysed first', () => {
    const r = runCli(['report', EXAMPLE]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('# Infrastructure: threat model report\n')).toBe(true);
    expect(r.stdout).toContain('```mermaid\nflowchart LR\n');
    expect(r.stdout).toMatch(/^\d+ threats/m);
  });

  it('writes each format atomically to -o, the format named or taken from the extension', () => {
    const dir = tempDir();
    for (const [args, name] of [
      [['--format', 'csv'], 'threats.txt'],
      [[], 'report.csv'],
      [[], 'report.sarif'],
      [['-f', 'md'], 'report.out'],
    ] as const) {
      const out = join(dir, name);
      const r = runCli(['report', EXAMPLE, ...args, '-o', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`wrote ${out}`);
      expect(readFileSync(out, 'utf8').length).toBeGreaterThan(1000);
    }
    const bom = runCli(['report', EXAMPLE, '-f', 'csv', '--bom']).stdout;
    expect(bom.startsWith('\ufeffid,title,')).toBe(true);
    expect(readFileSync(join(dir, 'threats.txt'), 'utf8').split('\r\n')[0]).toMatch(
      /^id,title,category,priority,status,/,
    );
    const sarif = JSON.parse(readFileSync(join(dir, 'report.sarif'), 'utf8'));
    expect(sarif.runs[0].tool.driver.name).toBe('Bulwark');
    const where = sarif.runs[0].results[0].locations[0].physicalLocation;
    expect(where.artifactLocation.uri).toBe(EXAMPLE);
    expect(readFileSync(join(ROOT, EXAMPLE), 'utf8').split('\n')[where.region.startLine - 1]).toMatch(/"id": /);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes JSON that `bulwark validate` reads back as a model, threats included', () => {
    const dir = tempDir();
    const out = join(dir, 'report.json');
    expect(runCli(['report', EXAMPLE, '--format', 'json', '-o', out]).code).toBe(0);
    const model = JSON.parse(readFileSync(out, 'utf8'));
    expect(model.threats.length).toBeGreaterThan(50);
    const v = runCli(['validate', out]);
    expect(v.code, v.stderr + v.stdout).toBe(0);
  });

  it('analyses first unless --no-analyze: stored threats are reported as they are', () => {
    const dir = tempDir();
    const model = join(dir, 'm.bulwark.json');
    copyFileSync(join(ROOT, EXAMPLE), model);
    const data = JSON.parse(readFileSync(model, 'utf8'));
    data.threats = [];
    writeFileSync(model, JSON.stringify(data));
    const fresh = runCli(['report', model, '--format', 'csv']);
    expect(fresh.stdout.trimEnd().split('\r\n').length).toBeGreaterThan(50);
    const stored = runCli(['report', model, '--format', 'csv', '--no-analyze']);
    expect(stored.code, stored.stderr).toBe(0);
    expect(stored.stdout.trimEnd().split('\r\n')).toHaveLength(1);
    expect(runCli(['report', '--help']).stdout).toContain('analysed first');
  });

  it('writes the full report as HTML, and as PDF where there is a browser', () => {
    const dir = tempDir();
    const html = runCli(['report', EXAMPLE, '-o', join(dir, 'report.html')]);
    expect(html.code, html.stderr).toBe(0);
    const text = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(text).toMatch(/^<!doctype html>/);
    expect(text).toContain('<h1>Infrastructure</h1>');
    expect(text).toContain('<meta name="generator" content="Bulwark 0.1.0">');
    expect(runCli(['report', EXAMPLE, '--format', 'pdf']).stderr).toContain(
      'A PDF is written to a file: add -o report.pdf.',
    );
    const pdf = runCli(['report', EXAMPLE, '-o', join(dir, 'report.pdf'), '--page', 'letter']);
    if (findChromium().ok) {
      expect(pdf.code, pdf.stderr).toBe(0);
      expect(readFileSync(join(dir, 'report.pdf')).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    } else {
      expect(pdf.code).toBe(2);
      expect(pdf.stderr).toContain('none was found');
    }
  }, 60_000);

  it('fails with a usage error for formats it does not write and an input error for a missing model', () => {
    const docx = runCli(['report', EXAMPLE, '--format', 'docx']);
    expect(docx.code).toBe(2);
    expect(docx.stderr).toContain('Unknown report format "docx": use one of html, pdf, md, csv, json, sarif.');
    const ext = runCli(['report', EXAMPLE, '-o', join(tempDir(), 'report.docx')]);
    expect(ext.code).toBe(2);
    expect(ext.stderr).toContain('pass --format');
    const missing = runCli(['report', 'nope.bulwark.json']);
    expect(missing.code).toBe(1);
    expect(existsSync(join(ROOT, 'nope.bulwark.json'))).toBe(false);
  });

  it("draws a large model's diagrams in a worker thread, the same drawing as in one thread", async () => {
    // Over WORKER_ELEMENTS elements, all placed: 1,100 processes in a grid, 1,099 flows between them.
    const elements: unknown[] = [];
    for (let i = 0; i < 1100; i++)
      elements.push({
        id: `p${i}`,
        kind: 'process',
        typeId: 'GE.P',
        name: `Process ${i} <b>`,
        position: { x: (i % 40) * 200, y: Math.floor(i / 40) * 200, width: 100, height: 100 },
      });
    for (let i = 1; i < 1100; i++)
      elements.push({
        id: `f${i}`,
        kind: 'dataFlow',
        typeId: 'GE.DF',
        name: `Flow ${i}`,
        source: `p${i - 1}`,
        target: `p${i}`,
      });
    expect(elements.length).toBeGreaterThan(WORKER_ELEMENTS);
    const model = {
      schemaVersion: 1,
      metadata: { name: 'Large' },
      template: { id: 'stride' },
      diagrams: [{ id: 'd1', name: 'Everything', elements }],
    };
    const dir = tempDir();
    writeFileSync(join(dir, 'large.bulwark.json'), JSON.stringify(model));
    const r = runCli(['report', 'large.bulwark.json', '--no-analyze', '-o', 'large.html'], dir);
    expect(r.code, r.stderr).toBe(0);
    const figure = (html: string) => html.slice(html.indexOf('<figure class="diagram">'), html.indexOf('</figure>'));
    const drawn = figure(readFileSync(join(dir, 'large.html'), 'utf8'));
    const loaded = parseModel(model);
    if (!loaded.ok) throw new Error(loaded.error.message);
    const svgs = await reportDiagrams(loaded.value.diagrams);
    expect(drawn).toBe(`<figure class="diagram">${svgs.d1}<figcaption>Everything · 2199 elements</figcaption>`);
    expect(drawn).toContain('Process 1099 &lt;b&gt;');
  });
});
