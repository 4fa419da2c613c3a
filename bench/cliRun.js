// Runs the real CLI in a fresh process, measuring wall time and the child's peak memory.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(new URL('.', import.meta.url).pathname, '..');

/**
 * `bulwark <args>` in `cwd`, `runs` times; the median time and the highest peak RSS. With
 * `discardStdout`, what the command prints goes to /dev/null (large JSON output, say).
 */
export function cliRun(
  args,
  { cwd, runs = 1, before = () => {}, discardStdout = false, longMs = Number.POSITIVE_INFINITY },
) {
  const times = [];
  let peak = 0;
  // A run longer than `longMs` is not repeated: its one figure stands.
  for (let i = 0; i < runs && !(times.length === 1 && times[0] > longMs); i++) {
    before();
    const t0 = performance.now();
    const r = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
      const { run } = await import(${JSON.stringify(join(root, 'apps/cli/dist/main.js'))});
      const code = await run(${JSON.stringify(args)});
      process.stderr.write('\\n@@' + JSON.stringify({ code, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\\n');
    `,
      ],
      { encoding: 'utf8', maxBuffer: 1 << 28, cwd, ...(discardStdout ? { stdio: ['ignore', 'ignore', 'pipe'] } : {}) },
    );
    times.push(performance.now() - t0);
    if (r.error) throw r.error;
    const tail = (r.stderr ?? '').split('@@');
    if (tail.length < 2)
      throw new Error(`bulwark ${args.join(' ')} ended without its figures (${r.signal ?? r.status}):\n${r.stderr}`);
    const stats = JSON.parse(tail.pop());
    if (stats.code !== 0) throw new Error(`bulwark ${args.join(' ')} exited ${stats.code}:\n${r.stderr}`);
    peak = Math.max(peak, stats.maxRssMb);
  }
  return { ms: [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)], maxRssMb: peak, runs: times.length };
}
