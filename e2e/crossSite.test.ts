/**
 * A page on another origin, in real Chromium, against Bulwark in local mode as `npm start` runs
 * it: its no-cors POST creates nothing, and a name that resolves to the server (DNS rebinding)
 * gets no answer from it; the app on its own origin still saves.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { expect, it } from 'vitest';
import { journeys } from './browser.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Serves one HTML page on a port of its own: another origin than the server's. */
async function attackerSite(html: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

async function modelNames(url: string): Promise<string[]> {
  const r = await fetch(new URL('api/models', url));
  return ((await r.json()) as { models: { name: string }[] }).models.map((m) => m.name);
}

journeys('pages on other origins', (env) => {
  it('a no-cors POST and a form post from another origin create nothing', async () => {
    const { page, server } = env();
    const target = new URL('api/models', server.url).toString();
    const yaml =
      'schemaVersion: 1\\nmetadata: { name: Planted by another site }\\ntemplate: { id: stride }\\ndiagrams: []\\n';
    const site = await attackerSite(`<!doctype html><body>
      <form id="f" method="post" action="${target}" enctype="text/plain" target="sink"><input name="x" value="y"></form>
      <iframe name="sink"></iframe>
      <script>
        window.done = fetch(${JSON.stringify(target)}, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: "${yaml}" })
          .then(() => 'sent', (e) => String(e));
        document.getElementById('f').submit();
      </script></body>`);
    try {
      const before = await modelNames(server.url);
      await page.goto(site.url);
      expect(await page.evaluate('window.done')).toBe('sent');
      await page.waitForTimeout(500);
      const after = await modelNames(server.url);
      expect(after).toEqual(before);
      expect(after).not.toContain('Planted by another site');
    } finally {
      site.server.close();
    }
  });

  it('a name that resolves to the server (DNS rebinding) is refused, and the app on its own origin still saves', async () => {
    const { page, server } = env();
    const port = new URL(server.url).port;
    const rebinding = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
        '--host-resolver-rules=MAP attacker.example 127.0.0.1',
      ],
    });
    try {
      const evil = await rebinding.newPage();
      const answer = await evil.goto(`http://attacker.example:${port}/`);
      expect(answer?.status()).toBe(403);
      expect(await evil.content()).not.toContain('id="root"');
      const api = await evil.goto(`http://attacker.example:${port}/api/models`);
      expect(api?.status()).toBe(403);
      expect(await evil.content()).not.toContain('Infrastructure');
    } finally {
      await rebinding.close();
    }
    // The app itself: a new model from its own page goes through the origin check.
    await page.goto(server.url);
    const created = await page.evaluate(async () => {
      const r = await fetch('/api/models', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Made on the same origin', template: 'stride' }),
      });
      return r.status;
    });
    expect(created).toBe(201);
    expect(await modelNames(server.url)).toContain('Made on the same origin');
  });
});
