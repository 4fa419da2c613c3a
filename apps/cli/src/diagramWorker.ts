/**
 * A worker thread that draws a model's diagrams as SVG for the HTML report (see diagrams.ts):
 * started early, it loads the renderers, waits for the diagrams and answers with the SVGs by
 * diagram id.
 */
import { parentPort } from 'node:worker_threads';
import type { Diagram } from '@bulwark/core';
import { reportDiagrams } from '@bulwark/report';

parentPort?.once('message', async (diagrams: Diagram[]) => {
  parentPort?.postMessage(await reportDiagrams(diagrams));
});
