#!/usr/bin/env node
// Measures the web editor in real Chromium on a large model and prints a table.
// Run after `npm run build`:  npm run bench:web  (or node bench/web.js [--elements 1000] [--runs 3] [--json file])
// Needs Debian's chromium (/usr/bin/chromium, or BULWARK_CHROMIUM).
//
// The model: the seeds' infrastructure template, box boundaries on a grid each holding a cluster
// of processes, stores and entities, flows inside clusters and between neighbouring ones; about
// 40% of the elements are flows. Its threats are generated (so the threats table is full too).
// Figures:
//   open  - from navigation to the diagram drawn and the threats table shown (median of runs)
//   pan   - frame times while dragging the canvas across for 2 s (requestAnimationFrame deltas)
//   zoom  - frame times while zooming in and out with the wheel
//   edit  - an arrow key moves the selected shape: from the key going up (the move is committed,
//           crossings and threats regenerate) to the next frame painted (median and max of 10)
//   memory - the browser's processes together (sum of their Pss, sampled every 200 ms: shared
//           pages counted once), highest sample over the whole run
// --json FILE also writes the figures as JSON (bench/all.js reads them).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze } from '@bulwark/core';
import { startServer } from '@bulwark/server';
import { loadResolvedTemplate } from '@bulwark/templates';
import { chromium } from 'playwright-core';
import { samplePeak } from './procMemory.js';
import { clusterElements } from './synthetic.js';

const { values } = parseArgs({
  options: {
    elements: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    json: { type: 'string' },
  },
});
const total = Number(values.elements);
const runs = Number(values.runs);
const CHROMIUM = process.env.BULWARK_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`bench/web.js needs Chromium at ${CHROMIUM} (apt-get install chromium, or set BULWARK_CHROMIUM).`);
  process.exit(2);
}
const root = join(new URL('.', import.meta.url).pathname, '..');

/** A model of about `n` elements on the infrastructure template. */
function bigModel(n) {
  const base = JSON.parse(readFileSync(join(root, 'examples/infrastructure.bulwark.json'), 'utf8'));
  const elements = clusterElements(n, {
    boundaryType: 'infra.tb.corporate-network',
    types: [
      ['process', 'infra.sql-server', 100, 100],
      ['process', 'infra.directory', 100, 100],
      ['dataStore', 'infra.directory-store', 150, 60],
      ['externalEntity', 'infra.user', 150, 60],
    ],
    innerFlow: (i) => ({ properties: { protocol: i % 2 ? 'HTTPS' : 'SMB' } }),
    link: { properties: { protocol: 'HTTPS' } },
  });
  const model = { ...base, threats: [], diagrams: [{ id: 'big', name: 'Big', elements }] };
  const template = loadResolvedTemplate('infrastructure');
  if (!template.ok) throw new Error('cannot load the infrastructure template');
  return analyze(model, template.value).model;
}

/** Percentiles of frame durations (ms). */
function frameStats(deltas) {
  const sorted = [...deltas].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    frames: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    max: sorted.at(-1) ?? 0,
    over50: sorted.filter((d) => d > 50).length,
    longAt: deltas.flatMap((d, i) => (d > 50 ? [i] : [])),
  };
}

const model = bigModel(total);
const elementCount = model.diagrams[0].elements.length;
const dir = mkdtempSync(join(tmpdir(), 'bulwark-bench-web-'));
const server = await startServer({ db: `sqlite:${join(dir, 'bench.db')}`, port: 0 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
// The browser runs in child processes of this one (the server runs in this process).
const browserMemory = samplePeak(process.pid);
try {
  const created = await fetch(new URL('api/models', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(model),
  });
  if (created.status !== 201) throw new Error(`upload failed: ${created.status} ${await created.text()}`);
  const { id } = await created.json();
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  // A returning user: the example model's tour is not offered (it would take a line of the header).
  await page.addInitScript(() => {
    try {
      localStorage.setItem('bulwark.tour', 'off');
    } catch {
      // about:blank has no storage
    }
  });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));

  const opens = [];
  for (let i = 0; i < runs; i++) {
    await page.goto('about:blank');
    const t0 = performance.now();
    await page.goto(`${server.url}#/models/${id}`);
    await page.locator('.react-flow__node').first().waitFor({ timeout: 60_000 });
    await page.locator('.bw-threats tbody tr').first().waitFor({ timeout: 60_000 });
    // One more frame: the drawing is on screen.
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    opens.push(performance.now() - t0);
  }
  const drawnNodes = await page.locator('.react-flow__node').count();

  const record = `window.__frames = []; (() => { let last = performance.now(); const tick = (t) => { window.__frames.push(t - last); last = t; if (!window.__stop) requestAnimationFrame(tick); }; window.__stop = false; requestAnimationFrame(tick); })()`;
  const collect = async () => {
    await page.evaluate('window.__stop = true');
    return frameStats((await page.evaluate('window.__frames')).slice(1));
  };
  const box = await page.getByTestId('canvas').boundingBox();
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;

  // Zoom in first so the canvas is at a working scale (the whole model at fit is tiny).
  await page.mouse.move(cx, cy);
  for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -300);
  await page.waitForTimeout(300);

  await page.waitForTimeout(1500);
  const version = async () => (await (await fetch(new URL(`api/models/${id}`, server.url))).json()).version;
  const beforePan = await version();
  await page.evaluate(record);
  // The drag starts on the empty canvas (a drag that starts on a shape moves it, Space held or
  // not); the version check below makes sure the model did not change.
  const start = await page.evaluate(
    ({ x, y, w, h }) => {
      for (let j = 1; j < 20; j++)
        for (let i = 1; i < 20; i++) {
          const px = x + (i / 20) * w * 0.3;
          const py = y + (j / 20) * h * 0.3;
          if (document.elementFromPoint(px, py)?.classList.contains('react-flow__pane')) return { x: px, y: py };
        }
      return undefined;
    },
    { x: box.x, y: box.y, w: box.width, h: box.height },
  );
  if (!start) throw new Error('no empty spot on the canvas to start the pan from');
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  const steps = 120;
  for (let i = 0; i <= steps; i++) {
    await page.mouse.move(start.x + (i / steps) * box.width * 0.6, start.y + (i / steps) * box.height * 0.6);
    await page.waitForTimeout(16);
  }
  await page.mouse.up();
  const pan = await collect();
  await page.waitForTimeout(1500);
  const afterPan = await version();
  if (afterPan !== beforePan) {
    const audit = await (await fetch(new URL(`api/models/${id}/audit`, server.url))).json();
    throw new Error(
      `the pan changed the model (version ${beforePan} -> ${afterPan}): ${JSON.stringify(audit.entries?.slice(0, 5))}`,
    );
  }

  await page.evaluate(record);
  await page.mouse.move(cx, cy);
  for (let i = 0; i < 40; i++) {
    await page.mouse.wheel(0, i < 20 ? 120 : -120);
    await page.waitForTimeout(30);
  }
  const zoom = await collect();

  // Edit latency: select a process, then move it with the arrow keys, one committed edit a press.
  // The process nearest the middle of the canvas (clear of the minimap).
  const findProcess = () =>
    page.locator('.react-flow__node-process').evaluateAll((els, b) => {
      const mx = b.x + (b.width - 200) / 2;
      const my = b.y + b.height / 2;
      let best = null;
      for (const el of els) {
        const r = el.getBoundingClientRect();
        const c = { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        const d = Math.hypot(c.x - mx, c.y - my);
        const inside = c.x > b.x + 10 && c.x < b.x + b.width - 200 && c.y > b.y + 10 && c.y < b.y + b.height - 10;
        if (inside && (!best || d < best.d)) best = { ...c, d };
      }
      return best;
    }, box);
  // After the pan, the middle of the view may hold no process (a gap between zones, or only
  // other shapes): move the view a little at a time until one is there.
  let pick = await findProcess();
  for (let i = 0; !pick && i < 20; i++) {
    await page.mouse.move(cx, cy);
    await page.keyboard.down('Space');
    await page.mouse.down();
    await page.mouse.move(cx - 150, cy - 90, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up('Space');
    await page.waitForTimeout(250);
    pick = await findProcess();
  }
  if (!pick) {
    await page.screenshot({ path: join(dir, 'failed.png') });
    process.exitCode = 1; // keeps the temporary directory and its screenshot
    throw new Error(`no process shape in view to edit (screenshot: ${join(dir, 'failed.png')})`);
  }
  await page.mouse.click(pick.x, pick.y);
  const beforeEdits = await version();
  const edits = [];
  for (let i = 0; i < 10; i++) {
    edits.push(
      await page.evaluate(async () => {
        const el = document.activeElement;
        const t0 = performance.now();
        el.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
        el.dispatchEvent(new KeyboardEvent('keyup', { key: 'ArrowRight', bubbles: true }));
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return performance.now() - t0;
      }),
    );
    await page.waitForTimeout(150);
  }
  // The edits reach the server (a large model takes a while to send and store).
  for (let waited = 0; (await version()) === beforeEdits; waited += 500) {
    if (waited > 30_000) {
      await page.screenshot({ path: join(dir, 'failed.png') });
      console.error(errors, join(dir, 'failed.png'));
      const status = await page
        .locator('.bw-save')
        .first()
        .innerText({ timeout: 1000 })
        .catch(() => 'nothing');
      throw new Error(`the arrow-key edits were not saved (the editor says "${status}")`);
    }
    await page.waitForTimeout(500);
  }
  const editSorted = [...edits].sort((a, b) => a - b);

  const median = [...opens].sort((a, b) => a - b)[Math.floor(opens.length / 2)];
  console.log(
    `\nWeb editor, ${elementCount} elements (${model.threats.length} threats), Chromium headless, ${runs} runs\n`,
  );
  const rows = [
    ['step', 'figure'],
    [
      'open (navigate -> drawn + threats)',
      `median ${median.toFixed(0)} ms (runs: ${opens.map((o) => o.toFixed(0)).join(', ')})`,
    ],
    ['nodes drawn at fit', String(drawnNodes)],
    ...[
      ['pan', pan],
      ['zoom', zoom],
    ].map(([name, s]) => [
      `${name} frame times`,
      `${s.frames} frames: p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, max ${s.max.toFixed(1)} ms, ${s.over50} over 50 ms${s.longAt.length ? ` (frames ${s.longAt.join(', ')})` : ''}`,
    ]),
    [
      'edit (arrow key -> committed, re-analysed, painted)',
      `median ${editSorted[5].toFixed(0)} ms, max ${editSorted.at(-1).toFixed(0)} ms (10 edits)`,
    ],
    ['page errors', errors.length === 0 ? '0' : `${errors.length}: ${errors.slice(0, 3).join(' / ')}`],
  ];
  const browserPeakMb = browserMemory.stop();
  rows.push(['browser memory, peak (sum of Pss)', `${Math.round(browserPeakMb)} MB`]);
  if (values.json)
    writeFileSync(
      values.json,
      JSON.stringify({
        elements: elementCount,
        threats: model.threats.length,
        openMs: median,
        opens,
        drawnNodes,
        pan,
        zoom,
        editMedianMs: editSorted[5],
        editMaxMs: editSorted.at(-1),
        browserPeakMb,
        pageErrors: errors.length,
      }),
    );
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [a, b] of rows) console.log(`${a.padEnd(width)}  ${b}`);
  console.log('\nTarget (issue 5): a 1,000-element model opens in under 2 s and pans and zooms without stutter.');
} finally {
  await browser.close();
  await server.close();
  if (!process.exitCode) rmSync(dir, { recursive: true, force: true });
}
