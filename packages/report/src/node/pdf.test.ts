import { describe, expect, it } from 'vitest';
import { findChromium, htmlToPdf } from './pdf.js';

const chromium = findChromium();
if (!chromium.ok) console.warn(`skipping the PDF printing test: ${chromium.error.message}`);

describe('PDF printing', () => {
  it('says how to get a browser when none is found', () => {
    const r = findChromium({ BULWARK_CHROMIUM: '/nowhere/chromium' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('BULWARK_CHROMIUM names /nowhere/chromium, which does not exist.');
  });

  it.skipIf(!chromium.ok)(
    'prints HTML to a PDF of as many pages as it needs',
    async () => {
      if (!chromium.ok) return;
      const pages = Array.from(
        { length: 3 },
        (_, i) => `<h2 style="break-before: page">Part ${i + 1}</h2><p>Text</p>`,
      ).join('');
      const pdf = Buffer.from(
        await htmlToPdf(`<!doctype html><html><body>${pages}</body></html>`, 'a4', chromium.value),
      );
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length).toBe(3);
    },
    60_000,
  );
});
