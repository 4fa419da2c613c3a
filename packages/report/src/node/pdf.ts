/**
 * PDF: the HTML report printed by a headless Chromium (or Chrome) through playwright-core. No
 * browser is downloaded: one already on the machine is used, or the error says how to get one.
 * Node only (`@bulwark/report/pdf`): the rest of the package stays pure.
 */
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bulwarkError, err, ok, type Result } from '@bulwark/core';

/** Where Chromium or Chrome usually lives; BULWARK_CHROMIUM (or CHROMIUM_PATH) comes first. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
  'C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe',
];

/** The browser to print with, or an error that says how to get one. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): Result<string> {
  const named = env.BULWARK_CHROMIUM ?? env.CHROMIUM_PATH;
  if (named) {
    return existsSync(named)
      ? ok(named)
      : err(bulwarkError('USAGE', `BULWARK_CHROMIUM names ${named}, which does not exist.`));
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return ok(found);
  return err(
    bulwarkError(
      'USAGE',
      'A PDF is printed by Chromium or Chrome, and none was found. Install one (Debian/Ubuntu: `sudo apt-get install chromium`; macOS: install Google Chrome) or set BULWARK_CHROMIUM to its path. `--format html` needs no browser.',
    ),
  );
}

export type PageSize = 'a4' | 'letter';

/** A browser started by `launchBrowser`, to print one or more reports with `printPdf`. */
export type PdfBrowser = import('playwright-core').Browser;

/** Starts a headless Chromium (or Chrome) at `chromium` for printing. */
export async function launchBrowser(chromium: string): Promise<PdfBrowser> {
  const { chromium: browserType } = await import('playwright-core');
  return browserType.launch({
    executablePath: chromium,
    // --no-sandbox: the page is our own HTML with no scripts, and sandboxes are often unavailable
    // in the containers CI runs in.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/** The text of PDF object `n` (Chromium writes the page tree and destinations as plain objects). */
function pdfObject(text: string, n: string): string {
  const at = text.search(new RegExp(`(^|\\n)${n} 0 obj\\b`));
  if (at < 0) return '';
  const end = text.indexOf('endobj', at);
  return text.slice(at, end < 0 ? undefined : end);
}

/**
 * The page (from 1) each named destination of a PDF printed by Chromium is on: the ids that the
 * document's own links point to (`<a href="#scope">`), from the catalog's /Dests and its page tree.
 * Empty when the PDF has none or is laid out otherwise.
 */
export function destinationPages(pdf: Uint8Array): Map<string, number> {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const pages = new Map<string, number>();
  const catalog = /\/Type \/Catalog[\s\S]*?\/Pages (\d+) 0 R[\s\S]*?\/Dests (\d+) 0 R/.exec(text);
  if (!catalog) return pages;
  const [, root = '', dests = ''] = catalog;
  const order: string[] = [];
  const walk = (n: string, depth: number) => {
    const body = pdfObject(text, n);
    const kids = /\/Kids \[([^\]]*)\]/.exec(body);
    if (!kids) order.push(n);
    else if (depth < 32) for (const k of (kids[1] ?? '').matchAll(/(\d+) 0 R/g)) walk(k[1] ?? '', depth + 1);
  };
  walk(root, 0);
  const index = new Map(order.map((n, i) => [n, i + 1]));
  for (const [, name = '', page = ''] of pdfObject(text, dests).matchAll(/\/([^\s[/]+)\s*\[(\d+) 0 R/g)) {
    const at = index.get(page);
    if (at !== undefined)
      pages.set(
        name.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
        at,
      );
  }
  return pages;
}

/** A style that writes each contents entry's page number after it (the report's print CSS leaves room). */
function pageNumberStyle(pages: ReadonlyMap<string, number>): string {
  const rules = [...pages]
    .filter(([id]) => /^[\w-]+$/.test(id))
    .map(([id, page]) => `.contents a[href="#${id}"]::after{content:"${page}"}`);
  return `<style>${rules.join('')}</style>`;
}

async function printOnce(
  browser: PdfBrowser,
  source: { html: string } | { url: string },
  page: PageSize,
): Promise<Uint8Array> {
  const tab = await browser.newPage({ javaScriptEnabled: false });
  try {
    if ('html' in source) await tab.setContent(source.html, { waitUntil: 'load' });
    else await tab.goto(source.url, { waitUntil: 'load', timeout: 0 });
    return await tab.pdf({
      format: page === 'letter' ? 'Letter' : 'A4',
      printBackground: true,
      // The report's CSS turns diagram pages to landscape (`@page diagram`); the paper is `page`.
      preferCSSPageSize: true,
      margin: { top: '16mm', bottom: '18mm', left: '14mm', right: '14mm' },
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate:
        '<div style="width:100%;font-size:8px;color:#5f6b7a;text-align:right;padding:0 14mm"><span class="pageNumber"></span> / <span class="totalPages"></span></div>',
    });
  } finally {
    await tab.close();
  }
}

/**
 * Prints self-contained HTML, given as text or as a file:// URL (a large report need not pass
 * through this process), to PDF bytes in a new tab of `browser` (page numbers in the footer).
 * Chromium has no target-counter(), so the contents get their page numbers in two passes: the
 * first print says which page each linked section is on, the second prints them (a style
 * appended to the document; the print CSS keeps room for them, so no page moves).
 */
export async function printPdf(
  browser: PdfBrowser,
  source: { html: string } | { url: string },
  page: PageSize,
): Promise<Uint8Array> {
  const first = await printOnce(browser, source, page);
  const pages = destinationPages(first);
  if (pages.size === 0) return first;
  const style = pageNumberStyle(pages);
  if ('html' in source) return printOnce(browser, { html: source.html + style }, page);
  // A style after </html> still applies (parsers move it into the body); the copy is not read here.
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-pdf-'));
  try {
    const copy = join(dir, 'report.html');
    copyFileSync(fileURLToPath(source.url), copy);
    appendFileSync(copy, style);
    return await printOnce(browser, { url: pathToFileURL(copy).href }, page);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Prints self-contained HTML to PDF bytes with a browser of its own (page numbers in the footer). */
export async function htmlToPdf(html: string, page: PageSize, chromium: string): Promise<Uint8Array> {
  const browser = await launchBrowser(chromium);
  try {
    return await printPdf(browser, { html }, page);
  } finally {
    await browser.close();
  }
}
