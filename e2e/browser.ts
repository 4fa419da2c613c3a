/** Real Chromium (Debian's /usr/bin/chromium) driven by playwright-core, and a real server on a fresh SQLite file. */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningServer, startServer, UserStore } from '@bulwark/server';
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

/** How a journey's server runs; the default is local mode, as `npm start` runs it. */
export interface LaunchOptions {
  /** `local`: team mode (accounts, sign-in, roles), as `bulwark serve --auth local` runs it. */
  auth?: 'none' | 'local';
  /** Accounts to create before the browser opens (team mode). */
  users?: { name: string; password: string; isAdmin?: boolean }[];
}

/** Starts a server with the seeds' model on a fresh database, and a headless Chromium. */
export async function launch(options: LaunchOptions = {}): Promise<{
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
    ...(options.auth ? { auth: options.auth } : {}),
  });
  const users = new UserStore(server.store.db);
  for (const u of options.users ?? []) await users.add(u.name, u.password, u.isAdmin ?? false);
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
 * A group of browser journeys sharing one Chromium and one server (local mode, unless `options`
 * asks for team mode and its accounts); skipped, with the reason
 * printed, where Chromium or the built web app is missing. `body` gets a getter for the
 * environment, which exists once the group's set-up has run.
 */
export function journeys(title: string, body: (env: () => Journey) => void, options: LaunchOptions = {}): void {
  const why = cannotRun();
  if (why) console.warn(`skipping "${title}": ${why}`);
  describe.skipIf(why !== undefined)(title, () => {
    let env: Journey | undefined;
    beforeAll(async () => {
      env = await launch(options);
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
