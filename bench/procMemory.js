// Memory of a tree of processes (Linux /proc), for benchmarks whose work runs in child processes
// that report nothing themselves, such as the browser Playwright starts.
import { readdirSync, readFileSync } from 'node:fs';

/** The pids of every process below `pid` (children, their children, ...). */
export function descendants(pid) {
  const parent = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name is in parentheses and may hold spaces: the fields after ') ' are fixed.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const found = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift();
    for (const [child, ppid] of parent)
      if (ppid === p) {
        found.push(child);
        queue.push(child);
      }
  }
  return found;
}

/**
 * The memory the processes below `pid` use together now, in MB: the sum of their proportional
 * set sizes (Pss: a page shared by k of them counts 1/k in each, so shared libraries and
 * Chromium's shared memory are not counted several times). 0 where /proc is missing.
 */
export function treePssMb(pid) {
  let kb = 0;
  for (const p of safeDescendants(pid)) {
    try {
      kb += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return kb / 1024;
}

function safeDescendants(pid) {
  try {
    return descendants(pid);
  } catch {
    return [];
  }
}

/**
 * Samples treePssMb(pid) every `everyMs` until stopped; `stop()` returns the highest sample (MB),
 * a sampled peak of what the tree used together.
 */
export function samplePeak(pid, everyMs = 200) {
  let peak = treePssMb(pid);
  const timer = setInterval(() => {
    peak = Math.max(peak, treePssMb(pid));
  }, everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, treePssMb(pid));
      return peak;
    },
  };
}
