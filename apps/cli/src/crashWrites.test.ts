/**
 * Durability of the CLI's file writes under kill -9 (issue 9, point 3): `bulwark analyze --write`,
 * `bulwark convert -o` and `bulwark report -o` on a model of 3,000 elements, killed with SIGKILL at
 * random moments and the moment their temp file appears (mid-write). Afterwards the target is
 * byte for byte the old file or the complete new one (the outputs are deterministic), and a
 * killed write's `.<name>.<pid>.<time>.tmp` is removed by the next successful write of that file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './testing/runCli.js';

const BIN = join(ROOT, 'apps/cli/bin/bulwark.js');
const KILLS = 4;

/** A model on 'stride' with `n` shapes and `n` flows. */
function largeModel(n: number): string {
  const kinds = [
    ['process', 'GE.P'],
    ['dataStore', 'GE.DS'],
    ['externalEntity', 'GE.EI'],
  ] as const;
  const elements: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const [kind, typeId] = kinds[i % 3] as (typeof kinds)[number];
    const position = { x: (i % 40) * 160, y: Math.floor(i / 40) * 120, width: 100, height: 60 };
    elements.push({ kind, id: `n${i}`, typeId, name: `Element ${i}`, position });
  }
  for (let i = 0; i < n; i++)
    elements.push({
      kind: 'dataFlow',
      id: `f${i}`,
      typeId: 'GE.DF',
      name: `Flow ${i}`,
      source: `n${i}`,
      target: `n${(i * 7 + 1) % n}`,
    });
  const diagrams = [{ id: 'main', name: 'Main', elements }];
  return `${JSON.stringify({ schemaVersion: 1, metadata: { name: 'Crash' }, template: { id: 'stride' }, diagrams })}\n`;
}

function run(args: string[], cwd: string): void {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.status !== 0) throw new Error(`bulwark ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}

/** Temp files left beside `target` by a write of it. */
const temps = (dir: string, target: string): string[] =>
  readdirSync(dir).filter((f) => f.startsWith(`.${target}.`) && f.endsWith('.tmp'));

/**
 * Starts the command and kills it with SIGKILL: after `delayMs`, or (delayMs undefined) as soon
 * as a temp file of the target appears (then the write is under way). Resolves when it is gone.
 */
function killDuring(args: string[], dir: string, target: string, delayMs?: number): Promise<void> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: 'ignore', env: { ...process.env } });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  if (delayMs !== undefined) setTimeout(kill, delayMs);
  else {
    const poll = setInterval(() => {
      if (temps(dir, target).length > 0) {
        clearInterval(poll);
        setTimeout(kill, Math.random() * 30);
      }
    }, 1);
    exited.then(() => clearInterval(poll));
  }
  return exited;
}

/**
 * Writes `old` to the target, then kills the command KILLS times (half at random moments within
 * its usual run time, half mid-write), checking each time that the target is `old` or exactly the
 * output of a complete run. Returns how many kills left it old, new, and temp files behind.
 */
async function crashCheck(args: string[], target: string, old: string, prepare: (dir: string) => void) {
  const dir = tempDir();
  prepare(dir);
  writeFileSync(join(dir, target), old);
  const t0 = performance.now();
  run(args, dir);
  const fullMs = performance.now() - t0;
  const complete = readFileSync(join(dir, target));
  expect(complete.equals(Buffer.from(old))).toBe(false);
  const seen = { old: 0, new: 0, leftTemps: 0 };
  for (let k = 0; k < KILLS; k++) {
    writeFileSync(join(dir, target), old);
    await killDuring(args, dir, target, k % 2 === 0 ? 50 + Math.random() * fullMs : undefined);
    const now = readFileSync(join(dir, target));
    const isOld = now.equals(Buffer.from(old));
    expect(isOld || now.equals(complete), `after kill ${k}: ${now.length} bytes, neither old nor new`).toBe(true);
    if (isOld) seen.old++;
    else seen.new++;
    if (temps(dir, target).length > 0) seen.leftTemps++;
  }
  // The next complete write leaves the complete file and no temp file of a killed run.
  writeFileSync(join(dir, target), old);
  run(args, dir);
  expect(readFileSync(join(dir, target)).equals(complete)).toBe(true);
  expect(temps(dir, target)).toEqual([]);
  if (process.env.BULWARK_CRASH_DEBUG) console.log(args[0], seen, Math.round(fullMs));
  return seen;
}

describe('bulwark killed with SIGKILL while writing a file', () => {
  const model = largeModel(1500);

  it('analyze --write: the model file is the old one or the analysed one', async () => {
    const seen = await crashCheck(['analyze', 'm.bulwark.json', '--write'], 'm.bulwark.json', model, () => {});
    expect(seen.old + seen.new).toBe(KILLS);
  }, 60_000);

  it('convert -o: the output is the old one or the complete conversion', async () => {
    const seen = await crashCheck(
      ['convert', 'in.bulwark.json', '-o', 'out.bulwark.yaml', '--force'],
      'out.bulwark.yaml',
      'old: file\n',
      (dir) => writeFileSync(join(dir, 'in.bulwark.json'), model),
    );
    expect(seen.old + seen.new).toBe(KILLS);
  }, 60_000);

  it('report -o: the report is the old one or the complete report', async () => {
    const seen = await crashCheck(
      ['report', 'in.bulwark.json', '-o', 'report.html'],
      'report.html',
      '<p>old report</p>\n',
      (dir) => writeFileSync(join(dir, 'in.bulwark.json'), model),
    );
    expect(seen.old + seen.new).toBe(KILLS);
  }, 60_000);
});
