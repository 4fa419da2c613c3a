/**
 * A worker thread of the heavy-work pool (pool.ts): runs one job at a time (jobs.ts) on its own
 * database connection, opened on its first job with the server's URL. A job whose writes need
 * SQLite's one writer turn asks the server's thread for it through the task's port and gives it
 * back when done (writeLock.ts); bytes it answers with are moved, not copied.
 */
import type { MessagePort } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { openStore, type Store } from '../storage/database.js';
import { ModelStore } from '../storage/ModelStore.js';
import { type Job, type JobResult, runJob, type WriteTurn } from './jobs.js';

/** What the pool sends: the job, the database, and (SQLite) the port to ask for the write turn. */
export interface WorkerTask {
  job: Job;
  dbUrl: string;
  turnPort?: MessagePort;
}

const stores = new Map<string, Promise<Store>>();

/** Waits for the server's thread to grant the write turn, writes, and gives the turn back. */
function remoteTurn(port: MessagePort): WriteTurn {
  return async (write) => {
    await new Promise<void>((resolve) => {
      port.once('message', () => resolve());
      port.postMessage('acquire');
    });
    try {
      return await write();
    } finally {
      port.postMessage('release');
    }
  };
}

export default async function heavyWorker(task: WorkerTask): Promise<unknown> {
  let store = stores.get(task.dbUrl);
  if (!store) {
    store = openStore(task.dbUrl, { migrate: false, poolSize: 2 });
    stores.set(task.dbUrl, store);
  }
  const models = new ModelStore((await store).db);
  const turn: WriteTurn = task.turnPort ? remoteTurn(task.turnPort) : (write) => write();
  try {
    const result: JobResult = await runJob(models, task.job, turn);
    if ('body' in result && result.body.byteLength > 0) {
      // Moved to the server's thread (no copy of a report that may be hundreds of MB).
      return move({ [transferableSymbol]: [result.body.buffer], [valueSymbol]: result });
    }
    return result;
  } finally {
    task.turnPort?.close();
  }
}
