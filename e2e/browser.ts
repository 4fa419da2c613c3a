/** Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core, and a real server on a fresh SQLite file. */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningServer, startServer } from '@bulwark/server';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Where journeys save their screenshots (look at them). */
export const SCREENSHOTS = join(ROOT, 'e2e/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WEB = join(ROOT, 'apps/web/dist/index.html');

/** Why the browser journeys cannot run here, or undefined when they can. */
export function cannotRun(): string | undefined {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (!existsSync(WEB)) return 'the web app is not built (npm run build)';
  return undefined;
}

/** Starts a server with the seeds' model on a fresh database, and a headless Chromium. */
export async function launch(): Promise<{
  server: RunningServer;
  browser: Browser;
  page: Page;
  errors: string[];
  close: () => Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-e2e-'));
  const server = await startServer({
    db: `sqlite:${join(dir, 'e2e.db')}`,
    port: 0,
    seed: join(ROOT, 'examples/infrastructure.bulwark.json'),
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    server,
    browser,
    page,
    errors,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/** The browser and server a journey runs against. */
export type Journey = Awaited<ReturnType<typeof launch>>;

/**
 * A group of browser journeys sharing one Chromium and one server; skipped, with the reason
 * printed, where Chromium or the built web app is missing. `body` gets a getter for the
 * environment, which exists once the group's set-up has run.
 */
export function journeys(title: string, body: (env: () => Journey) => void): void {
  const why = cannotRun();
  if (why) console.warn(`skipping "${title}": ${why}`);
  describe.skipIf(why !== undefined)(title, () => {
    let env: Journey | undefined;
    beforeAll(async () => {
      env = await launch();
    }, 60_000);
    afterAll(async () => {
      await env?.close();
    });
    body(() => {
      if (!env) throw new Error('the browser did not start');
      return env;
    });
  });
}
