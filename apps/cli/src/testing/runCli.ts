/** Runs the real, built `bulwark` command in a child process (build first: `npm run build`). */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = join(ROOT, 'apps/cli/bin/bulwark.js');

/** What a run printed and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `bulwark ...args` with NO_COLOR set, in `cwd` (default: the repository root). */
export function runCli(args: string[], cwd = ROOT, env: Record<string, string> = {}): CliRun {
  if (!existsSync(join(ROOT, 'apps/cli/dist/main.js')))
    throw new Error('apps/cli is not built: run `npm run build` first');
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary directory for a test. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'bulwark-cli-'));
}

/** Starts `bulwark serve ...args` and resolves with the child and its URL once it prints it. */
export function startServe(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] as string });
      }
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

/**
 * The infrastructure example in a fresh temporary directory, analysed (`bulwark analyze --write`)
 * and with every high-priority threat marked mitigated; returns the file's path.
 */
export function triagedExample(): string {
  const file = join(tempDir(), 'infra.bulwark.json');
  writeFileSync(file, readFileSync(join(ROOT, 'examples/infrastructure.bulwark.json')));
  const analysed = runCli(['analyze', file, '--write']);
  if (analysed.code !== 0) throw new Error(`bulwark analyze failed: ${analysed.stderr}`);
  const model = JSON.parse(readFileSync(file, 'utf8')) as { threats: { priority: string; status: string }[] };
  for (const t of model.threats) if (t.priority === 'High') t.status = 'mitigated';
  writeFileSync(file, JSON.stringify(model));
  return file;
}
