/**
 * A worker thread that draws a model's diagrams as SVG for the HTML report (see diagrams.ts):
 * it takes the diagrams as workerData and answers with the SVGs by diagram id.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Diagram } from '@bulwark/core';
import { reportDiagrams } from '@bulwark/report';

const { diagrams } = workerData as { diagrams: Diagram[] };
parentPort?.postMessage(await reportDiagrams(diagrams));
