/**
 * The report's diagrams, drawn beside the rest of the work. Laying out and drawing a large
 * model's diagrams takes as long as analysing it, and neither needs the other, so above a size
 * the drawing goes to a worker thread (another core) while the caller analyses; small models are
 * drawn here, where a worker's start-up would cost more than it saves.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Diagram } from '@bulwark/core';
import { reportDiagrams } from '@bulwark/report';

/** Diagrams with more elements than this, all told, are drawn in a worker. */
export const WORKER_ELEMENTS = 2000;

/**
 * Starts drawing; the promise gives the SVGs by diagram id. Call it before other long work and
 * await it after: with a worker the two run at the same time.
 */
export function drawDiagrams(diagrams: readonly Diagram[]): Promise<Record<string, string>> {
  const elements = diagrams.reduce((sum, d) => sum + d.elements.length, 0);
  const worker = fileURLToPath(new URL('./diagramWorker.js', import.meta.url));
  // From the TypeScript sources (tests) there is no compiled worker: draw here.
  if (elements <= WORKER_ELEMENTS || !existsSync(worker)) return reportDiagrams(diagrams);
  return new Promise((resolve, reject) => {
    // No options of the main thread's command line: `node -e` or `--input-type` make no sense to a worker file.
    const thread = new Worker(worker, { workerData: { diagrams }, execArgv: [] });
    thread.once('message', (svgs: Record<string, string>) => {
      resolve(svgs);
      void thread.terminate();
    });
    thread.once('error', reject);
    thread.once('exit', (code) => {
      if (code !== 0) reject(new Error(`The diagram worker stopped with exit code ${code}.`));
    });
  });
}
