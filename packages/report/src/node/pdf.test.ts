/**
 * PDF printing, and the printed report looked at as paper: the examples and the argo-cd Threagile
 * model of ../shared/corpus (read, never copied) are printed, measured with poppler's pdftotext
 * and rendered to PNG with pdftoppm (in the temp dir, printed at the end: look at them).
 *
 * How the figures are measured. Text size: pdftotext -bbox gives each word's box; for the one
 * font family Chromium prints here (DejaVu Sans), a box is 1.164 times the font size tall (10 pt
 * body text measures 11.64 pt), so a word's size in points is its box's height / 1.164. A
 * diagram's smallest text is the smallest word on the diagram pages (from the page the Diagrams
 * heading is on to the page before Summary), the footer band and the overview pages (named
 * "overview:" in their caption; their parts follow at full size) left out. A heading at a page's
 * foot: the last line of a page (pdftotext -layout) is, or is part of, one of the report's h2-h4
 * headings. Nearly empty: a page other than the last whose lowest word is less than 30% down its
 * text area. Contents: each entry on page 2 ends with the page its section starts on.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, parseModel, type ResolvedTemplate, type ThreatModel } from '@bulwark/core';
import { importThreagile } from '@bulwark/formats';
import { loadResolvedTemplate } from '@bulwark/templates';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { htmlReport } from '../html.js';
import { destinationPages, findChromium, htmlToPdf, launchBrowser, type PdfBrowser, printPdf } from './pdf.js';

const chromium = findChromium();
if (!chromium.ok) console.warn(`skipping the PDF printing tests: ${chromium.error.message}`);
const hasPoppler = (() => {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasPoppler)
  console.warn('skipping the printed-report measurements: pdftoppm or pdftotext is absent (poppler-utils)');

const ROOT = new URL('../../../../', import.meta.url);
const ARGO = new URL('../shared/corpus/threagile/real-world/argo-cd-threagile.yaml', ROOT);
if (!existsSync(ARGO))
  console.warn(`skipping the argo-cd report: ${ARGO.pathname} is absent (the corpus lives in ../shared)`);
const PNGS = join(tmpdir(), 'bulwark-pdf-pages');

function withTemplate(model: ThreatModel): { model: ThreatModel; template: ResolvedTemplate } {
  const template = loadResolvedTemplate(model.template.id);
  if (!template.ok) throw new Error(template.error.message);
  return { model: analyze(model, template.value).model, template: template.value };
}

function example(name: string): { model: ThreatModel; template: ResolvedTemplate } {
  const text = readFileSync(new URL(`examples/${name}`, ROOT), 'utf8');
  const parsed = parseModel(name.endsWith('.json') ? JSON.parse(text) : parseYaml(text));
  if (!parsed.ok) throw new Error(`${name} does not parse`);
  return withTemplate(parsed.value);
}

function argo(): { model: ThreatModel; template: ResolvedTemplate } {
  const read = importThreagile(readFileSync(ARGO, 'utf8'), ARGO.pathname);
  if (!read.ok) throw new Error(read.error.message);
  return withTemplate(read.value.model);
}

/** Font size in points of a word box `height` points tall (DejaVu Sans; see the file's comment). */
const BOX_PER_POINT = 1.164;
/** The footer band at a page's foot, in points (the 18 mm bottom margin). */
const FOOTER = 51;

interface Paper {
  pages: number;
  landscapePages: number;
  smallestDiagramPt: number;
  headingsAtFoot: string[];
  nearlyEmpty: number[];
  contents: { entry: string; page: number }[];
}

/** The figures of a printed report (see the file's comment for how each is measured). */
function measure(pdf: string, html: string): Paper {
  const headings = new Set(
    [...html.matchAll(/<h([234])[^>]*>([\s\S]*?)<\/h\1>/g)]
      .map((m) =>
        (m[2] ?? '')
          .replace(/<[^>]+>/g, ' ')
          .replace(/&amp;/g, '&')
          .replace(/\s+/g, ' ')
          .trim(),
      )
      .filter((t) => t.length >= 3),
  );
  const layout = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).split('\f').slice(0, -1);
  const bbox = execFileSync('pdftotext', ['-bbox', pdf, '-'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const pages = [...bbox.matchAll(/<page width="([\d.]+)" height="([\d.]+)">([\s\S]*?)<\/page>/g)];
  const paper: Paper = {
    pages: pages.length,
    landscapePages: 0,
    smallestDiagramPt: Number.POSITIVE_INFINITY,
    headingsAtFoot: [],
    nearlyEmpty: [],
    contents: [],
  };
  let inDiagrams = false;
  pages.forEach((p, i) => {
    const width = Number(p[1]);
    const height = Number(p[2]);
    if (width > height) paper.landscapePages++;
    const words = [...(p[3] ?? '').matchAll(/yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</g)]
      .map((w) => ({ top: Number(w[1]), bottom: Number(w[2]), text: w[3] ?? '' }))
      .filter((w) => w.top < height - FOOTER);
    const lines = (layout[i] ?? '')
      .split('\n')
      .map((l) => l.replace(/\s+/g, ' ').trim())
      .filter((l) => l !== '' && !/^\d+ \/ \d+$/.test(l));
    const text = words.map((w) => w.text).join(' ');
    if (lines[0] === 'Diagrams') inDiagrams = true;
    if (text.includes('By status')) inDiagrams = false;
    if (inDiagrams && !text.includes('overview:'))
      for (const w of words)
        paper.smallestDiagramPt = Math.min(paper.smallestDiagramPt, (w.bottom - w.top) / BOX_PER_POINT);
    const last = lines.at(-1) ?? '';
    if (i < pages.length - 1 && [...headings].some((h) => h === last || (last.length > 10 && h.includes(last))))
      paper.headingsAtFoot.push(`page ${i + 1}: ${last}`);
    const lowest = Math.max(0, ...words.map((w) => w.bottom));
    if (i > 1 && i < pages.length - 1 && (lowest - 45) / (height - 96) < 0.3) paper.nearlyEmpty.push(i + 1);
  });
  for (const m of (layout[1] ?? '').matchAll(/^\s*\d+\. (.*\S)\s+(\d+)\s*$/gm))
    paper.contents.push({ entry: m[1] ?? '', page: Number(m[2]) });
  return paper;
}

describe('PDF printing', () => {
  it('says how to get a browser when none is found', () => {
    const r = findChromium({ BULWARK_CHROMIUM: '/nowhere/chromium' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('BULWARK_CHROMIUM names /nowhere/chromium, which does not exist.');
  });

  it('finds no pages for destinations in bytes that are not a PDF of Chromium', () => {
    expect(destinationPages(new TextEncoder().encode('%PDF-1.4\nnothing here')).size).toBe(0);
  });

  it.skipIf(!chromium.ok)(
    'prints HTML to a PDF of as many pages as it needs, and knows which page each linked section is on',
    async () => {
      if (!chromium.ok) return;
      const pages = Array.from(
        { length: 3 },
        (_, i) => `<h2 id="part-${i + 1}" style="break-before: page">Part ${i + 1}</h2><p>Text</p>`,
      ).join('');
      const links = '<a href="#part-1">1</a> <a href="#part-3">3</a>';
      const pdf = await htmlToPdf(`<!doctype html><html><body>${links}${pages}</body></html>`, 'a4', chromium.value);
      const text = Buffer.from(pdf).toString('latin1');
      expect(text.slice(0, 5)).toBe('%PDF-');
      expect(text.match(/\/Type\s*\/Page[^s]/g)?.length).toBe(4);
      expect(Object.fromEntries(destinationPages(pdf))).toEqual({ 'part-1': 2, 'part-3': 4 });
    },
    60_000,
  );
});

describe.skipIf(!chromium.ok || !hasPoppler)('the printed report, looked at as paper', () => {
  let browser: PdfBrowser;
  beforeAll(async () => {
    if (chromium.ok) browser = await launchBrowser(chromium.value);
    rmSync(PNGS, { recursive: true, force: true });
    mkdirSync(PNGS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    console.log(`the printed pages, as PNG: ${PNGS}`);
  });

  const models: [string, () => { model: ThreatModel; template: ResolvedTemplate }, boolean][] = [
    ['webshop', () => example('webshop.bulwark.yaml'), true],
    ['infrastructure', () => example('infrastructure.bulwark.json'), true],
    ['argo-cd', argo, existsSync(ARGO)],
  ];
  for (const [name, load, present] of models)
    it.skipIf(!present)(
      `${name}: diagrams at 7 pt or more, no heading at a page's foot, contents with page numbers`,
      async () => {
        const { model, template } = load();
        const html = await htmlReport(model, template, { generatedAt: '2026-12-08T00:00:00Z' });
        const pdf = await printPdf(browser, { html }, 'a4');
        const file = join(PNGS, `${name}.pdf`);
        writeFileSync(file, pdf);
        execFileSync('pdftoppm', ['-r', '50', '-png', file, join(PNGS, name)]);
        const paper = measure(file, html);
        console.log(`${name}: ${JSON.stringify({ ...paper, contents: paper.contents.length })}`);

        expect(readdirSync(PNGS).filter((f) => f.startsWith(`${name}-`) && f.endsWith('.png'))).toHaveLength(
          paper.pages,
        );
        // Each diagram on landscape paper, its smallest text readable (7 pt).
        expect(paper.landscapePages).toBeGreaterThanOrEqual(model.diagrams.length);
        expect(paper.smallestDiagramPt).toBeGreaterThanOrEqual(7);
        expect(paper.smallestDiagramPt).toBeLessThan(20);
        expect(paper.headingsAtFoot).toEqual([]);
        // At most the page before the diagrams' landscape pages is left short.
        expect(paper.nearlyEmpty.length).toBeLessThanOrEqual(1);
        // The contents name the page each section starts on.
        const starts = destinationPages(pdf);
        expect(paper.contents.map((c) => c.entry)).toEqual(
          [...html.matchAll(/<li><a href="#(\w+)">([^<]+)<\/a><\/li>/g)].map((m) => m[2]),
        );
        for (const [i, m] of [...html.matchAll(/<li><a href="#(\w+)">/g)].entries())
          expect(paper.contents[i]?.page).toBe(starts.get(m[1] ?? ''));
      },
      120_000,
    );
});
