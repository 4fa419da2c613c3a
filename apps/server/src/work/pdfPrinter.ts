/**
 * PDF printing for the whole server: one Chromium, started on the first PDF and kept (started
 * again if it dies), printing a few reports at a time from a bounded queue. Ten PDFs asked for at
 * once used to start ten browsers (about 1 GB each); now they share one, and a request that finds
 * the queue full is told to come back later instead of waiting without end.
 */
import { findChromium, launchBrowser, type PageSize, type PdfBrowser, printPdf } from '@bulwark/report/pdf';

/** How the printer is bounded. */
export interface PrinterOptions {
  /** Reports printed at once (tabs of the one browser); default 2. */
  pages?: number;
  /** Reports that may wait for a tab; beyond, `print` refuses (PrinterBusy); default 8. */
  queue?: number;
  /** The browser to start (default: findChromium). */
  chromium?: () => ReturnType<typeof findChromium>;
}

/** The queue is full: try again in `retryAfter` seconds. */
export class PrinterBusy extends Error {
  constructor(readonly retryAfter: number) {
    super('The server is printing as many PDFs as it can.');
  }
}

export class PdfPrinter {
  readonly pages: number;
  readonly queue: number;
  #browser: Promise<PdfBrowser> | undefined;
  #active = 0;
  #waiting: (() => void)[] = [];
  #closed = false;
  #averageMs = 5000;
  /** How many browsers this printer has started (tests check that it is one). */
  launches = 0;
  /** The most reports printed at the same time so far. */
  busiest = 0;

  constructor(private readonly options: PrinterOptions = {}) {
    this.pages = Math.max(1, options.pages ?? 2);
    this.queue = Math.max(0, options.queue ?? 8);
  }

  /** Prints the HTML file at `url` (file://); throws PrinterBusy when the queue is full. */
  async print(url: string, page: PageSize): Promise<Uint8Array> {
    if (this.#closed) throw new Error('The PDF printer is closed.');
    if (this.#active >= this.pages) {
      if (this.#waiting.length >= this.queue) {
        const rounds = Math.ceil((this.#waiting.length + 1) / this.pages);
        throw new PrinterBusy(Math.min(120, Math.max(1, Math.ceil((rounds * this.#averageMs) / 1000))));
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#active++;
    this.busiest = Math.max(this.busiest, this.#active);
    const t0 = performance.now();
    try {
      return await printPdf(await this.#launch(), { url }, page);
    } finally {
      this.#averageMs = 0.7 * this.#averageMs + 0.3 * (performance.now() - t0);
      this.#active--;
      this.#waiting.shift()?.();
    }
  }

  #launch(): Promise<PdfBrowser> {
    if (!this.#browser) {
      const chromium = (this.options.chromium ?? findChromium)();
      if (!chromium.ok) return Promise.reject(new Error(chromium.error.message));
      this.launches++;
      const started = launchBrowser(chromium.value);
      this.#browser = started;
      started.then(
        (browser) =>
          browser.on('disconnected', () => {
            if (this.#browser === started) this.#browser = undefined;
          }),
        () => {
          if (this.#browser === started) this.#browser = undefined;
        },
      );
    }
    return this.#browser;
  }

  /** Closes the browser (the server is stopping). */
  async close(): Promise<void> {
    this.#closed = true;
    const browser = this.#browser;
    this.#browser = undefined;
    if (browser) await (await browser.catch(() => undefined))?.close();
  }
}
