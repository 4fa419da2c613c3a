/**
 * The report's diagrams, drawn beside the rest of the work. Laying out and drawing a large
 * model's diagrams takes as long as analysing it, and neither needs the other, so for a large
 * model the drawing goes to a worker thread (another core) while the caller analyses. The worker
 * is started before the model is even read (a large file says so by its size), so its own
 * start-up (loading the renderers) overlaps the reading too; small models are drawn here, where
 * a worker would cost more than it saves.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Diagram } from '@bulwark/core';
import { reportDiagrams } from '@bulwark/report';

/** Diagrams with more elements than this, all told, are drawn in the worker. */
export const WORKER_ELEMENTS = 2000;
/** A model file this large (bytes) probably has that many: the worker is started at once. */
export const WORKER_FILE_BYTES = 500_000;

export interface DiagramDrawer {
  /** The SVGs by diagram id: drawn in the worker when it runs and the diagrams are large, else here. */
  draw(diagrams: readonly Diagram[]): Promise<Record<string, string>>;
  /** Stops the worker if it is still there (after draw, or when no drawing is needed). */
  close(): void;
}

/**
 * A drawer; with `large`, a worker thread starts now and waits for the diagrams. Call early, then
 * `draw` before other long work and await its promise after: the two run at the same time.
 */
export function diagramDrawer(large: boolean): DiagramDrawer {
  const file = fileURLToPath(new URL('./diagramWorker.js', import.meta.url));
  // From the TypeScript sources (tests) there is no compiled worker: everything is drawn here.
  // No options of the main thread's command line: `node -e` or `--input-type` make no sense to a worker file.
  let worker = large && existsSync(file) ? new Worker(file, { execArgv: [] }) : undefined;
  const close = () => {
    void worker?.terminate();
    worker = undefined;
  };
  return {
    close,
    draw(diagrams) {
      const elements = diagrams.reduce((sum, d) => sum + d.elements.length, 0);
      const thread = worker;
      if (!thread || elements <= WORKER_ELEMENTS) {
        close();
        return reportDiagrams(diagrams);
      }
      return new Promise((resolve, reject) => {
        thread.once('message', (svgs: Record<string, string>) => {
          resolve(svgs);
          close();
        });
        thread.once('error', reject);
        thread.once('exit', (code) => {
          if (code !== 0) reject(new Error(`The diagram worker stopped with exit code ${code}.`));
        });
        thread.postMessage(diagrams);
      });
    },
  };
}
