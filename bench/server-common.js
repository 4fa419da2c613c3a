// Shared helpers of the server benchmarks (bench/server.js, bench/server-crash.js): the benchmark
// model, starting `bulwark serve` in a child process, a scratch PostgreSQL database, cleanup that
// also runs on failure, and the check of a model's history against the writes a client saw
// acknowledged. Plain JavaScript on top of the built packages (`npx tsc -b` first).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { syntheticModel } from './synthetic.js';

const here = new URL('.', import.meta.url).pathname;
export const root = join(here, '..');

/** The PostgreSQL server the benchmarks use (trust auth; a scratch database is made on it). */
export const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/test';

// ---- cleanup, also on failure, Ctrl+C and time-out --------------------------------------------

const cleanups = [];
const children = new Set();
let cleaning;

/** Registers a cleanup step; steps run last-registered first, once. */
export function onCleanup(fn) {
  cleanups.push(fn);
}

/** Runs every cleanup step (kill servers, drop databases, remove temp dirs); safe to call twice. */
export function cleanup() {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const fn = cleanups.pop();
      try {
        await fn();
      } catch (e) {
        console.error(`cleanup: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  })();
  return cleaning;
}

// Last resort: a child left running when this process exits is killed (synchronously).
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up…`);
    cleanup().finally(() => process.exit(130));
  });
}

/**
 * Runs `main` with a hard time limit; cleans up whether it succeeds, throws or times out.
 * Sets the exit code: 0 when `main` returns true, 1 otherwise.
 */
export async function runBounded(limitMs, main) {
  const watchdog = setTimeout(() => {
    console.error(`\nTime limit of ${Math.round(limitMs / 1000)} s reached: stopping.`);
    cleanup().finally(() => process.exit(1));
  }, limitMs);
  let ok = false;
  try {
    ok = await main();
  } catch (e) {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  } finally {
    await cleanup();
    clearTimeout(watchdog);
  }
  process.exitCode = ok ? 0 : 1;
}

/** A temporary directory, removed at cleanup. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ---- PostgreSQL scratch database -----------------------------------------------------------

/** Creates `bulwark_bench_<random>` (dropped at cleanup, WITH (FORCE)); returns its URL and name. */
export async function scratchPostgres(prefix = 'bulwark_bench') {
  const name = `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  onCleanup(() => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return { name, url: `postgres://postgres@127.0.0.1:5432/${name}` };
}

/** Runs SQL on a PostgreSQL database (the admin database unless a URL is given). */
export async function adminQuery(text, url = PG_ADMIN_URL) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

// ---- the server in a child process -----------------------------------------------------------

/**
 * Starts `bulwark serve --port 0 --db <db>` and waits for its URL. Returns the URL, the child,
 * `stop()` (SIGTERM: graceful, waits for exit), `kill()` (SIGKILL, waits for exit), the child's
 * CPU seconds so far, and the tail of its output for error messages.
 */
export async function startServer(db, { timeoutMs = 30_000, args = [] } = {}) {
  // Extra Node options for the server, e.g. to profile it:
  // BULWARK_BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node bench/server.js
  const nodeArgs = (process.env.BULWARK_BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const cli = [
    join(root, 'apps/cli/bin/bulwark.js'),
    'serve',
    '--port',
    '0',
    '--db',
    db,
    ...args,
    ...(process.env.BULWARK_BENCH_LOG ? ['--log'] : []),
  ];
  const child = spawn(process.execPath, [...nodeArgs, ...cli], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  children.add(child);
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const kill = async (signal = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  onCleanup(() => kill('SIGKILL'));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const look = () => {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: strips terminal colours
      const m = /Bulwark is running at\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output.replace(/\x1b\[[0-9;]*m/g, ''));
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', look);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', look);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before it started:\n${output}`));
    });
  });
  const cpuSeconds = () => {
    try {
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100/s)
    } catch {
      return Number.NaN;
    }
  };
  /** The server's peak resident memory so far (VmHWM), in MB; NaN where /proc is missing. */
  const peakRssMb = () => {
    try {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
      return kb === undefined ? Number.NaN : Number(kb) / 1024;
    } catch {
      return Number.NaN;
    }
  };
  return {
    url,
    child,
    pid: child.pid,
    exited,
    kill: () => kill('SIGKILL'),
    stop: () => kill('SIGTERM'),
    cpuSeconds,
    peakRssMb,
    output: () => output,
  };
}

// ---- HTTP ----------------------------------------------------------------------------------

/** A JSON request to the server; returns { status, headers, body } (body parsed when JSON). */
export async function request(base, path, { method = 'GET', headers = {}, body, timeoutMs = 30_000 } = {}) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await r.text();
  let parsed = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: r.status, headers: r.headers, body: parsed };
}

/** Like request(), but throws unless the status is the expected one. */
export async function expectStatus(status, base, path, options) {
  const r = await request(base, path, options);
  if (r.status !== status)
    throw new Error(
      `${options?.method ?? 'GET'} ${path}: expected ${status}, got ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`,
    );
  return r;
}

/** The version in an ETag (`"3"` or `W/"3"`). */
export const etagVersion = (etag) => Number(/(\d+)/.exec(String(etag ?? ''))?.[1] ?? Number.NaN);

// ---- the benchmark model ---------------------------------------------------------------------

const STRIDE_TYPE = {
  process: 'GE.P',
  dataStore: 'GE.DS',
  externalEntity: 'GE.EI',
  dataFlow: 'GE.DF',
  trustBoundary: 'GE.TB.B',
};

/** The description every benchmark model starts with; saves replace it with `bench-desc:<token>`. */
export const INITIAL_DESCRIPTION = 'bench-desc:initial';

/**
 * A synthetic model (bench/synthetic.js) on the built-in 'stride' template: its elements get the
 * template's generic types (GE.P, GE.DS, GE.EI, GE.DF, GE.TB.B) and no properties (so the
 * template's defaults apply), so POST /api/models/:id/analyze works on it.
 */
export function benchModel({ nodes = 300, flows = 200, boundaries = 4 } = {}) {
  const m = syntheticModel({ nodes, flows, boundaries });
  for (const e of m.diagrams[0].elements) {
    e.typeId = STRIDE_TYPE[e.kind];
    delete e.properties;
  }
  return {
    ...m,
    metadata: { name: `Server bench ${nodes}/${flows}/${boundaries}`, description: INITIAL_DESCRIPTION },
    template: { id: 'stride' },
  };
}

/**
 * Creates the model and analyses it once (revisions 1 and 2). Returns its id, revision, threat
 * ids, the size of its document as GET returns it, and how many audit entries it has so far.
 */
export async function createAnalysedModel(base, model) {
  const created = await expectStatus(201, base, '/api/models', { method: 'POST', body: model });
  const id = created.body.id;
  const analysed = await expectStatus(200, base, `/api/models/${id}/analyze`, {
    method: 'POST',
    headers: { 'if-match': created.headers.get('etag') },
  });
  const got = await fetch(`${base}/api/models/${id}`);
  const text = await got.text();
  const doc = JSON.parse(text);
  if (doc.version !== analysed.body.version) throw new Error(`after analyze: version ${doc.version}`);
  const audit = await expectStatus(200, base, `/api/models/${id}/audit`);
  return {
    id,
    version: doc.version,
    threatIds: (doc.model.threats ?? []).map((t) => t.id),
    elements: doc.model.diagrams.reduce((n, d) => n + d.elements.length, 0),
    bytes: Buffer.byteLength(text),
    auditBase: audit.body.entries.length,
  };
}

/**
 * The model's revisions as the audit log tells them, in the shape of a /versions list: a patch
 * or a save makes no version unless it carries a message (issue 16.6), but every write moves
 * the revision on by one and writes its audit rows in its transaction, in revision order (one
 * writer at a time per model). Each write of a benchmark leaves its token in its rows (the
 * justification it set, or the description `bench-desc:<token>`), so the k-th write after
 * `auditBase` entries is revision `baseVersion + k`. Revisions up to `baseVersion` are listed
 * without a message.
 */
export function revisionsFromAudit(entries, auditBase, baseVersion) {
  const versions = [];
  for (let v = 1; v <= baseVersion; v++) versions.push({ version: v, message: undefined });
  let last;
  for (const e of entries.slice(auditBase)) {
    const token =
      e.field === 'justification'
        ? e.newValue
        : e.field === 'description' && e.newValue?.startsWith('bench-desc:')
          ? e.newValue.slice('bench-desc:'.length)
          : undefined;
    if (token === undefined || token === last) continue;
    last = token;
    versions.push({ version: versions.length + 1, message: token });
  }
  return versions;
}

// ---- checking the history against the acknowledged writes -----------------------------------

/**
 * Checks a model's final state against the writes a client made. Every write carried a unique
 * token as the justification of the threats it patched, or as the model description it saved,
 * so the audit log says which write made each revision (`revisionsFromAudit`).
 *
 * `writes`: Map token -> { kind: 'patch' | 'save', threats?: string[], status, version? } where
 * status is 'acked' (2xx, with the version it returned), 'conflict' (409), 'error' (another
 * status) or 'pending' (no answer: in flight when the load stopped, timed out, or cut off).
 * `versions`: the revisions (`revisionsFromAudit`); `model`: the current document; `version`: its version;
 * `baseVersion`: the version before the first of these writes.
 *
 * Returns counts and a list of problems (empty when every acknowledged write is present and the
 * final state is exactly what the acknowledged and applied writes, in version order, produce).
 */
export function checkHistory({ writes, versions, model, version, baseVersion }) {
  const problems = [];
  const numbers = versions.map((v) => v.version).sort((a, b) => a - b);
  const max = numbers.at(-1) ?? 0;
  for (let i = 0; i < numbers.length; i++)
    if (numbers[i] !== i + 1) {
      problems.push(`/versions is not 1..${max}: ${numbers.length} entries, entry ${i} is ${numbers[i]}`);
      break;
    }
  if (max !== version) problems.push(`the model is at version ${version} but /versions goes up to ${max}`);
  const message = new Map(versions.map((v) => [v.version, v.message]));

  // Each acknowledged write is in the history, at the version it was acknowledged with.
  let acked = 0;
  let found = 0;
  const ackedAt = new Map();
  for (const [token, w] of writes) {
    if (w.status !== 'acked') continue;
    acked++;
    if (ackedAt.has(w.version))
      problems.push(`two writes acknowledged with version ${w.version}: ${ackedAt.get(w.version)} and ${token}`);
    ackedAt.set(w.version, token);
    if (message.get(w.version) === token) found++;
    else
      problems.push(
        `acknowledged ${w.kind} ${token} (version ${w.version}) is not in /versions (version ${w.version} says ${JSON.stringify(message.get(w.version))})`,
      );
  }

  // Every later version comes from one of these writes; refused ones changed nothing.
  const applied = [];
  let appliedUnacked = 0;
  for (const v of numbers) {
    if (v <= baseVersion) continue;
    const token = message.get(v);
    const w = writes.get(token);
    if (!w) {
      problems.push(`version ${v} (${JSON.stringify(token)}) comes from no write of this run`);
      continue;
    }
    if (w.status === 'conflict' || w.status === 'error')
      problems.push(`version ${v} comes from ${token}, which was refused (${w.status} ${w.httpStatus ?? ''})`);
    if (w.status === 'pending') appliedUnacked++;
    applied.push({ version: v, token, w });
  }
  if (version !== baseVersion + acked + appliedUnacked)
    problems.push(
      `version ${version} != ${baseVersion} + ${acked} acknowledged + ${appliedUnacked} applied without an answer`,
    );

  // The current document: each threat's justification is that of the last write (by version)
  // that patched it; the description is that of the last save.
  const expected = new Map();
  let description = INITIAL_DESCRIPTION;
  for (const { token, w } of applied.sort((a, b) => a.version - b.version)) {
    if (w.kind === 'patch') for (const t of w.threats) expected.set(t, token);
    else description = `bench-desc:${token}`;
  }
  let wrong = 0;
  for (const t of model.threats ?? []) {
    const want = expected.get(t.id);
    if (t.justification !== want) {
      if (wrong++ < 5)
        problems.push(
          `threat ${t.id}: justification ${JSON.stringify(t.justification)}, expected ${JSON.stringify(want)}`,
        );
    }
  }
  if (wrong > 5) problems.push(`… ${wrong} threats with the wrong justification in all`);
  const present = new Set((model.threats ?? []).map((t) => t.id));
  for (const t of expected.keys()) if (!present.has(t)) problems.push(`threat ${t} is missing from the model`);
  if (model.metadata?.description !== description)
    problems.push(
      `description ${JSON.stringify(model.metadata?.description)}, expected ${JSON.stringify(description)}`,
    );

  return { acked, found, lost: acked - found, appliedUnacked, problems };
}

// ---- output ----------------------------------------------------------------------------------

/** A Markdown table with padded columns (first column left-aligned, the others right-aligned). */
export function markdownTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 2)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(all[0]), rule, ...all.slice(1).map(line)].join('\n');
}

/** The p-th percentile (0..100) of an array of numbers. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
