/**
 * PDF: the HTML report printed by a headless Chromium (or Chrome) through playwright-core. No
 * browser is downloaded: one already on the machine is used, or the error says how to get one.
 * Node only (`@bulwark/report/pdf`): the rest of the package stays pure.
 */
import { existsSync } from 'node:fs';
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

/**
 * Prints self-contained HTML, given as text or as a file:// URL (a large report need not pass
 * through this process), to PDF bytes in a new tab of `browser` (page numbers in the footer).
 */
export async function printPdf(
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
      preferCSSPageSize: false,
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

/** Prints self-contained HTML to PDF bytes with a browser of its own (page numbers in the footer). */
export async function htmlToPdf(html: string, page: PageSize, chromium: string): Promise<Uint8Array> {
  const browser = await launchBrowser(chromium);
  try {
    return await printPdf(browser, { html }, page);
  } finally {
    await browser.close();
  }
}
