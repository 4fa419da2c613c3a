/**
 * The bounded pool of worker threads that runs the server's heavy jobs (jobs.ts) off the event
 * loop, on piscina: a fixed number of threads (by default one fewer than the cores, at least one),
 * and a bounded queue of jobs waiting for one; a job that finds the queue full is refused
 * (PoolBusy) instead of waiting without end. Each thread opens its own database connection; on
 * SQLite a job's save waits for the server's write turn (storage/writeLock.ts), asked for and
 * given back through a port of its own.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { WriteLock } from '../storage/writeLock.js';
import type { WorkerTask } from './heavyWorker.js';
import type { Job, JobResult } from './jobs.js';

/** Threads by default: one fewer than the cores (the event loop keeps one), at least one. */
export const defaultThreads = (): number => Math.max(1, availableParallelism() - 1);

/**
 * The compiled worker: beside this file in the build (dist/work/heavyWorker.js). From the
 * TypeScript sources (the tests), the build's copy (after `npx tsc -b`).
 */
export function compiledWorkerFile(): string {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.js')
    ? join(dirname(here), 'heavyWorker.js')
    : resolve(dirname(here), '../../dist/work/heavyWorker.js');
}

/** The queue is full: try again in `retryAfter` seconds. */
export class PoolBusy extends Error {
  constructor(readonly retryAfter: number) {
    super('The server is running as many heavy jobs as it can.');
  }
}

/** A job needed more memory than a worker thread may have. */
export class JobOutOfMemory extends Error {}

export interface PoolOptions {
  /** Worker threads (default: defaultThreads()). */
  threads?: number;
  /** Jobs that may wait for a thread (default: 4 per thread). */
  queue?: number;
  /** The worker's file (default: compiledWorkerFile()). */
  workerFile?: string;
  /** Heap limit of each worker thread, in MB (default: Node's). */
  memoryMb?: number;
}

export class JobPool {
  readonly threads: number;
  readonly queue: number;
  readonly #piscina: Piscina;
  #averageMs = 2000;

  constructor(
    options: PoolOptions,
    private readonly dbUrl: string,
    private readonly writeLock: WriteLock | undefined,
  ) {
    this.threads = Math.max(1, options.threads ?? defaultThreads());
    this.queue = Math.max(0, options.queue ?? 4 * this.threads);
    const filename = options.workerFile ?? compiledWorkerFile();
    if (!existsSync(filename))
      throw new Error(
        `The server's worker thread file ${filename} is missing: build the server first (npx tsc -b, or npm run build).`,
      );
    this.#piscina = new Piscina({
      filename,
      minThreads: 1,
      maxThreads: this.threads,
      maxQueue: this.queue,
      idleTimeout: 60_000,
      // No options of the server's command line: `--input-type` and the like mean nothing to a worker.
      execArgv: [],
      ...(options.memoryMb ? { resourceLimits: { maxOldGenerationSizeMb: options.memoryMb } } : {}),
    });
  }

  /** Runs a job in a worker thread; throws PoolBusy when the queue is full. */
  async run(job: Job): Promise<JobResult> {
    const channel = this.writeLock ? new MessageChannel() : undefined;
    let release: (() => void) | undefined;
    let settled = false;
    channel?.port1.on('message', async (message) => {
      if (message === 'acquire' && this.writeLock) {
        const granted = await this.writeLock.acquire();
        if (settled) granted();
        else {
          release = granted;
          channel.port1.postMessage('granted');
        }
      } else if (message === 'release') {
        release?.();
        release = undefined;
      }
    });
    const task: WorkerTask = { job, dbUrl: this.dbUrl, ...(channel ? { turnPort: channel.port2 } : {}) };
    const t0 = performance.now();
    try {
      const result = (await this.#piscina.run(task, {
        ...(channel ? { transferList: [channel.port2] } : {}),
      })) as JobResult;
      this.#averageMs = 0.7 * this.#averageMs + 0.3 * (performance.now() - t0);
      return result;
    } catch (e) {
      if (e instanceof Error && /^(Task queue is at limit|No task queue available)/.test(e.message)) throw this.#busy();
      if ((e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY')
        throw new JobOutOfMemory('The job needed more memory than a worker thread of this server may use.');
      throw e;
    } finally {
      settled = true;
      release?.();
      channel?.port1.close();
    }
  }

  #busy(): PoolBusy {
    const rounds = Math.ceil((this.#piscina.queueSize + this.threads) / this.threads);
    return new PoolBusy(Math.min(120, Math.max(1, Math.ceil((rounds * this.#averageMs) / 1000))));
  }

  /** Stops the threads (jobs in flight are ended). */
  destroy(): Promise<void> {
    return this.#piscina.destroy();
  }
}
