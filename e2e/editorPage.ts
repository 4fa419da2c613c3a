/** What the journeys read off the editor's header: the save state and the version. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Waits until the header says the model is saved. */
export async function saved(page: Page): Promise<void> {
  await expect.poll(() => page.locator('.bw-save').innerText(), { timeout: 10_000 }).toBe('Saved');
}

/** The revision the header shows ("revision 4 · template ..."). */
export async function shownVersion(page: Page): Promise<number> {
  const text = await page.locator('.bw-header .bw-muted').first().innerText();
  return Number(/revision (\d+)/.exec(text)?.[1]);
}
