// One bench/tm7.js measurement in a fresh process, so that timings include JIT warm-up (as a CLI
// run pays it) and peak memory (maxRSS) is this measurement's own. Prints one JSON line.
// Usage:
//   node bench/tm7-worker.js steps <file.tm7>     import, resolveTemplate + analyze, export (if any)
//   node bench/tm7-worker.js tb7 <file.tb7>       importTb7
//   node bench/tm7-worker.js parts <file.tm7>     where import time and memory go (run with --expose-gc)
//   node bench/tm7-worker.js cli <args...>        the built CLI's run(); stats on stderr after "@@"
import { readFileSync } from 'node:fs';

const [mode, ...args] = process.argv.slice(2);
const mb = (bytes) => bytes / 1048576;
const time = (fn) => {
  const t0 = performance.now();
  const value = fn();
  return [performance.now() - t0, value];
};
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;
/** Heap in use after a full GC (only with --expose-gc; otherwise as it stands). */
const heapMb = () => {
  globalThis.gc?.();
  return mb(process.memoryUsage().heapUsed);
};

function counts(model) {
  const c = { stencils: 0, boundaries: 0, connectors: 0, elements: 0 };
  for (const d of model.diagrams)
    for (const e of d.elements) {
      c.elements++;
      if (e.kind === 'process' || e.kind === 'dataStore' || e.kind === 'externalEntity') c.stencils++;
      else if (e.kind === 'trustBoundary') c.boundaries++;
      else if (e.kind === 'dataFlow') c.connectors++;
    }
  return c;
}

if (mode === 'cli') {
  const root = new URL('..', import.meta.url).pathname;
  const { run } = await import(`${root}apps/cli/dist/main.js`);
  const code = await run(args);
  process.stderr.write(`\n@@${JSON.stringify({ code, maxRssMb: maxRssMb() })}\n`);
} else if (mode === 'steps') {
  const file = args[0];
  const formats = await import('@bulwark/formats');
  const { analyze, resolveTemplate } = await import('@bulwark/core');
  const [readMs, text] = time(() => readFileSync(file, 'utf8'));
  const rssAfterRead = mb(process.memoryUsage().rss);
  const [importMs, imported] = time(() => formats.importTm7(text, file));
  if (!imported.ok) throw new Error(`import failed: ${JSON.stringify(imported.error)}`);
  const { model, template, warnings } = imported.value;
  const rssAfterImport = mb(process.memoryUsage().rss);
  const [analyzeMs, result] = time(() => {
    const resolved = resolveTemplate(template);
    if (!resolved.ok) throw new Error(`template: ${JSON.stringify(resolved.error)}`);
    return analyze(model, resolved.value);
  });
  const rssAfterAnalyze = mb(process.memoryUsage().rss);
  let exportMs = null;
  let exportMb = null;
  if (typeof formats.exportTm7 === 'function') {
    const [ms, out] = time(() => formats.exportTm7(result.model, template));
    exportMs = ms;
    exportMb = mb(Buffer.byteLength(out));
  }
  process.stdout.write(
    `${JSON.stringify({
      mode,
      bytes: Buffer.byteLength(text),
      ...counts(model),
      storedThreats: model.threats?.length ?? 0,
      threatsGenerated: result.merge.added + result.merge.kept,
      threatsTotal: result.summary.total,
      interactions: result.interactionCount,
      warnings: warnings.length,
      readMs,
      importMs,
      analyzeMs,
      exportMs,
      exportMb,
      rssAfterRead,
      rssAfterImport,
      rssAfterAnalyze,
      maxRssMb: maxRssMb(),
    })}\n`,
  );
} else if (mode === 'tb7') {
  const file = args[0];
  const { importTb7 } = await import('@bulwark/formats');
  const text = readFileSync(file, 'utf8');
  const [importMs, imported] = time(() => importTb7(text, file));
  if (!imported.ok) throw new Error(`import failed: ${JSON.stringify(imported.error)}`);
  const t = imported.value;
  process.stdout.write(
    `${JSON.stringify({
      mode,
      bytes: Buffer.byteLength(text),
      elementTypes: t.elementTypes.length,
      threatTypes: t.threatTypes.length,
      importMs,
      maxRssMb: maxRssMb(),
    })}\n`,
  );
} else if (mode === 'parts') {
  // Where the import goes: the SAX scan alone, the XML tree (parseXml), then the whole import
  // (tree + mapping to a model + parseModel). Each step runs once, in this order, in one process.
  const file = args[0];
  const { parseXml, importTm7 } = await import('@bulwark/formats');
  // saxes as @bulwark/formats resolves it (the same copy parseXml uses).
  const { createRequire } = await import('node:module');
  const { SaxesParser } = createRequire(new URL('../packages/formats/package.json', import.meta.url))('saxes');
  const text = readFileSync(file, 'utf8');
  const heap0 = heapMb();
  const [saxMs] = time(() => {
    const p = new SaxesParser({ xmlns: true, position: true });
    let n = 0;
    p.on('opentag', () => n++);
    p.on('text', () => {});
    p.write(text).close();
    return n;
  });
  const [treeMs, tree] = time(() => parseXml(text, file, '.tm7'));
  if (!tree.ok) throw new Error('parseXml failed');
  let nodes = 0;
  const stack = [tree.value];
  while (stack.length > 0) {
    const n = stack.pop();
    nodes++;
    for (const c of n.children) stack.push(c);
  }
  const treeHeapMb = heapMb() - heap0;
  tree.value = undefined;
  const heap1 = heapMb();
  const [importMs, imported] = time(() => importTm7(text, file));
  if (!imported.ok) throw new Error('import failed');
  const modelHeapMb = heapMb() - heap1;
  process.stdout.write(
    `${JSON.stringify({ mode, bytes: Buffer.byteLength(text), saxMs, treeMs, nodes, treeHeapMb, importMs, modelHeapMb, maxRssMb: maxRssMb() })}\n`,
  );
} else {
  throw new Error(`unknown mode ${mode}`);
}
