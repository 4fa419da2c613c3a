#!/usr/bin/env node
// Lighthouse on the web app, as a person meets it: the models page and the editor with the seeded
// model, each with Lighthouse's desktop and mobile presets. Prints the scores and the figures that
// explain them, and every CSP violation and console error Lighthouse saw.
// Run after `npm run build`:  npm run bench:lighthouse
//   node bench/lighthouse.js [--runs 3] [--pages models,editor] [--presets desktop,mobile]
//                            [--json file] [--reports dir]
// --runs N runs each page x preset N times and reports the run with the median performance score
// (Lighthouse's own advice: scores vary from run to run, more so on a shared VM).
// --reports DIR keeps each run's full Lighthouse report (HTML) there, to see what an audit found.
// Needs Debian's Chromium (/usr/bin/chromium, or BULWARK_CHROMIUM).
//
// The server is the real one (`bulwark serve` on a fresh SQLite file, seeded with
// examples/infrastructure.bulwark.json); Chromium is started here, headless, with the flags the
// browser journeys use and a DevTools port that Lighthouse drives. Lighthouse's presets: mobile is
// its default (a mid-range phone, simulated slow 4G and 4x slower CPU), desktop its desktop config
// (no CPU slow-down, a fast connection); both throttle by simulation, so the figures are
// comparable between machines only roughly, and between runs on one machine with the machine
// check close (bench/machine.js).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import lighthouse, { desktopConfig } from 'lighthouse';
import { machineCheck } from './machine.js';
import { onCleanup, root, runBounded, startServer, tempDir } from './server-common.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1' },
    pages: { type: 'string', default: 'models,editor' },
    presets: { type: 'string', default: 'desktop,mobile' },
    json: { type: 'string' },
    reports: { type: 'string' },
  },
});
const runs = Math.max(1, Number(values.runs));
const pages = values.pages.split(',');
const presets = values.presets.split(',');
const CHROMIUM = process.env.BULWARK_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(
    `bench/lighthouse.js needs Chromium at ${CHROMIUM} (apt-get install chromium, or set BULWARK_CHROMIUM).`,
  );
  process.exit(2);
}
if (!existsSync(join(root, 'apps/web/dist/index.html'))) {
  console.error('bench/lighthouse.js needs the built web app: npm run build first.');
  process.exit(2);
}

/** Headless Chromium with a DevTools port (chosen by Chromium: read from its first lines). */
async function startChromium(profile) {
  const child = spawn(
    CHROMIUM,
    [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-dev-shm-usage',
      `--user-data-dir=${profile}`,
      '--remote-debugging-port=0',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Chromium did not start in 30 s:\n${output}`)), 30_000);
    child.stderr.on('data', (chunk) => {
      output = (output + chunk.toString()).slice(-4000);
      const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code}) before it started:\n${output}`));
    });
  });
}

/** The figures of one Lighthouse result (lhr). */
function figures(lhr) {
  const audit = (id) => lhr.audits[id];
  const score = (id) => Math.round((lhr.categories[id]?.score ?? Number.NaN) * 100);
  // What failed in accessibility and best practices: audits scored below 1 that count.
  const failing = (category) =>
    lhr.categories[category].auditRefs
      .filter((r) => r.weight > 0 && audit(r.id).score !== null && audit(r.id).score < 1)
      .map((r) => `${r.id}: ${audit(r.id).title}`);
  const consoleErrors = (audit('errors-in-console')?.details?.items ?? []).map(
    (i) =>
      `${i.source ?? 'console'}: ${String(i.description ?? '').slice(0, 300)}${i.sourceLocation?.url ? ` (${i.sourceLocation.url})` : ''}`,
  );
  const issues = (audit('inspector-issues')?.details?.items ?? []).flatMap((i) =>
    (i.subItems?.items?.length ? i.subItems.items : [{}]).map((s) =>
      [i.issueType, s.url, s.description].filter(Boolean).join(': '),
    ),
  );
  return {
    performance: score('performance'),
    accessibility: score('accessibility'),
    bestPractices: score('best-practices'),
    fcpMs: audit('first-contentful-paint').numericValue,
    lcpMs: audit('largest-contentful-paint').numericValue,
    tbtMs: audit('total-blocking-time').numericValue,
    cls: audit('cumulative-layout-shift').numericValue,
    bytes: audit('total-byte-weight').numericValue,
    unusedJsBytes: audit('unused-javascript')?.details?.overallSavingsBytes ?? 0,
    failing: [...failing('accessibility'), ...failing('best-practices')],
    consoleErrors,
    issues,
  };
}

const kb = (b) => `${Math.round(b / 1024).toLocaleString('en-US')} KB`;
const ms = (v) => `${Math.round(v).toLocaleString('en-US')} ms`;

function table(rows) {
  const head = [
    'page',
    'preset',
    'performance',
    'accessibility',
    'best practices',
    'FCP',
    'LCP',
    'TBT',
    'CLS',
    'transferred',
    'unused JS',
  ];
  const body = rows.map((r) => [
    r.page,
    r.preset,
    String(r.performance),
    String(r.accessibility),
    String(r.bestPractices),
    ms(r.fcpMs),
    ms(r.lcpMs),
    ms(r.tbtMs),
    r.cls.toFixed(3),
    kb(r.bytes),
    kb(r.unusedJsBytes),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) =>
    `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [
    line(head),
    `|${widths.map((w, i) => (i < 2 ? `-${'-'.repeat(w)}-` : `-${'-'.repeat(w)}:`)).join('|')}`.concat('|'),
    ...body.map(line),
  ].join('\n');
}

await runBounded(30 * 60_000, async () => {
  const dir = tempDir('bulwark-lighthouse-');
  const before = machineCheck();
  const server = await startServer(`sqlite:${join(dir, 'lighthouse.db')}`, {
    args: ['--seed', join(root, 'examples/infrastructure.bulwark.json')],
  });
  const list = await (await fetch(`${server.url}/api/models`)).json();
  const seeded = (Array.isArray(list) ? list : list.models)?.[0];
  if (!seeded) throw new Error('the seeded model is not in GET /api/models');
  const urls = { models: `${server.url}/`, editor: `${server.url}/#/models/${encodeURIComponent(seeded.id)}` };
  const port = await startChromium(join(dir, 'profile'));
  if (values.reports) mkdirSync(values.reports, { recursive: true });

  const rows = [];
  for (const page of pages) {
    for (const preset of presets) {
      const results = [];
      for (let run = 0; run < runs; run++) {
        const result = await lighthouse(
          urls[page],
          {
            port,
            logLevel: 'error',
            output: values.reports ? ['html', 'json'] : 'json',
            onlyCategories: ['performance', 'accessibility', 'best-practices'],
          },
          preset === 'desktop' ? desktopConfig : undefined,
        );
        if (!result) throw new Error(`Lighthouse gave no result for ${urls[page]}`);
        if (result.lhr.runtimeError) throw new Error(`Lighthouse: ${result.lhr.runtimeError.message}`);
        if (values.reports) {
          const [html, json] = /** @type {string[]} */ (result.report);
          writeFileSync(join(values.reports, `${page}-${preset}-${run + 1}.html`), html);
          writeFileSync(join(values.reports, `${page}-${preset}-${run + 1}.json`), json);
        }
        results.push(figures(result.lhr));
        process.stderr.write(`${page} ${preset} run ${run + 1}: performance ${results.at(-1).performance}\n`);
      }
      results.sort((a, b) => a.performance - b.performance);
      rows.push({ page, preset, url: urls[page], ...results[Math.floor(results.length / 2)] });
    }
  }
  const after = machineCheck();

  console.log(
    `\nLighthouse ${(await import('lighthouse/package.json', { with: { type: 'json' } })).default.version} on ${CHROMIUM}, ${runs} run(s) each (median performance shown); models page ${urls.models}, editor ${urls.editor}`,
  );
  console.log(`machine check: ${Math.round(before)} ms before, ${Math.round(after)} ms after\n`);
  console.log(table(rows));
  for (const r of rows) {
    const problems = [
      ...r.failing.map((f) => `failing audit ${f}`),
      ...r.issues.map((i) => `issue ${i}`),
      ...r.consoleErrors.map((e) => `console error ${e}`),
    ];
    console.log(
      `\n${r.page} (${r.preset}): ${problems.length === 0 ? 'no failing audits, CSP issues or console errors' : ''}`,
    );
    for (const p of problems) console.log(`  - ${p}`);
  }
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ rows, machine: { before, after } }, null, 2)}\n`);
  return true;
});
