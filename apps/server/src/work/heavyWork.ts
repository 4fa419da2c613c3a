/**
 * Heavy work, so that one user cannot stall the others: analyses, exports and large uploads run
 * in the worker pool (pool.ts), never on the event loop that answers everyone; PDFs are printed by
 * one shared browser (pdfPrinter.ts); each user has a few heavy jobs in flight at most
 * (userGate.ts). A job refused by a limit is answered here: 429 (this user's limit) or 503 (the
 * server's queues are full), both with Retry-After and a sentence saying what to do.
 *
 * `threads: 0` runs the jobs on the event loop instead: for tests and embedding, where the
 * compiled worker may not exist; `bulwark serve` always runs the pool (startServer.ts).
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Template } from '@bulwark/core';
import type { PageSize } from '@bulwark/report/pdf';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Store } from '../storage/database.js';
import type { ModelStore } from '../storage/ModelStore.js';
import {
  type AnalyzeJob,
  type AnalyzeResult,
  type ExportJob,
  type ExportResult,
  type ImportJob,
  type ImportResult,
  type Job,
  type JobResult,
  runJob,
} from './jobs.js';
import { PdfPrinter, PrinterBusy, type PrinterOptions } from './pdfPrinter.js';
import { JobOutOfMemory, JobPool, PoolBusy, type PoolOptions } from './pool.js';
import { UserGate } from './userGate.js';

/** How heavy work is bounded (AppOptions.work; `bulwark serve --workers`, `--jobs-per-user`). */
export interface WorkOptions extends PoolOptions {
  /** Worker threads; 0 runs jobs on the event loop (tests, embedding). Default 0 here, a pool in `bulwark serve`. */
  threads?: number;
  /** Heavy jobs (analyses, exports, uploads) a user may have in flight at once (default 2). */
  perUser?: number;
  /** Uploads up to this many bytes are read on the event loop, where a thread hop costs more (default 64 KiB). */
  inlineUploadBytes?: number;
  /** PDF printing: reports printed at once and waiting. */
  pdf?: Omit<PrinterOptions, 'chromium'>;
}

/** Uploads up to this are read in place: a 117 KB one took 40 ms there (median), 16 ms through a warm worker. */
export const INLINE_UPLOAD_BYTES = 64 * 1024;

/** Per kind of job, how long one usually takes (for Retry-After). */
class Durations {
  readonly #ms = new Map<string, number>();
  expected(kind: string): number {
    return this.#ms.get(kind) ?? 5000;
  }
  observe(kind: string, ms: number): void {
    const before = this.#ms.get(kind);
    this.#ms.set(kind, before === undefined ? ms : 0.7 * before + 0.3 * ms);
  }
}

export class HeavyWork {
  readonly pool: JobPool | undefined;
  readonly printer: PdfPrinter;
  readonly gate: UserGate;
  readonly inlineUploadBytes: number;
  readonly #durations = new Durations();

  constructor(
    store: Store,
    private readonly models: ModelStore,
    options: WorkOptions = {},
  ) {
    this.pool = (options.threads ?? 0) > 0 ? new JobPool(options, store.url, store.writeLock) : undefined;
    this.printer = new PdfPrinter(options.pdf);
    this.gate = new UserGate(Math.max(1, options.perUser ?? 2));
    this.inlineUploadBytes = options.inlineUploadBytes ?? INLINE_UPLOAD_BYTES;
  }

  /**
   * Wires into the app (before its routes are added): a large JSON upload to POST /api/models
   * stays text, so that a worker parses it (Fastify picks a body's parser by Content-Type after
   * the route's preParsing hooks; text/plain bodies are kept as strings), the pool and the
   * browser stop when the app closes, and `app.heavyWork` is this.
   */
  register(app: FastifyInstance): void {
    app.decorate<HeavyWork>('heavyWork', this as HeavyWork);
    const limit = this.inlineUploadBytes;
    app.addHook('onRoute', (route) => {
      if (route.url !== '/api/models' || ![route.method].flat().includes('POST')) return;
      const own = route.preParsing ? [route.preParsing].flat() : [];
      route.preParsing = [
        ...own,
        async (request, _reply, payload) => {
          const type = request.headers['content-type'];
          const length = Number(request.headers['content-length'] ?? Number.NaN);
          if (typeof type === 'string' && /^application\/json\b/i.test(type) && !(length <= limit))
            request.headers['content-type'] = 'text/plain; charset=utf-8';
          return payload;
        },
      ];
    });
    app.addHook('onClose', async () => {
      await Promise.all([this.pool?.destroy(), this.printer.close()]);
    });
  }

  readonly #templateTexts = new WeakMap<Template, string>();

  /** A template as the JSON text jobs take (made once per template object). */
  templateText(template: Template): string {
    let text = this.#templateTexts.get(template);
    if (text === undefined) {
      text = JSON.stringify(template);
      this.#templateTexts.set(template, text);
    }
    return text;
  }

  /** Analyses a stored model and saves the result; undefined when a limit answered. */
  analyze(reply: FastifyReply, user: string, job: AnalyzeJob): Promise<AnalyzeResult | undefined> {
    return this.#run(reply, user, job) as Promise<AnalyzeResult | undefined>;
  }

  /** Exports a stored model (a PDF printed by the shared browser); undefined when a limit answered. */
  async export(
    reply: FastifyReply,
    user: string,
    job: ExportJob,
    page: PageSize,
  ): Promise<Exclude<ExportResult, { status: 'print' }> | undefined> {
    return this.#run(reply, user, job, async (r) => {
      const result = r as ExportResult;
      if (result.status !== 'print') return result;
      try {
        const pdf = await this.printer.print(pathToFileURL(result.file).href, page);
        return { status: 'ok', body: pdf, type: 'application/pdf', filename: result.filename };
      } finally {
        rmSync(dirname(result.file), { recursive: true, force: true });
      }
    }) as Promise<Exclude<ExportResult, { status: 'print' }> | undefined>;
  }

  /** Reads an upload (in a worker when large); undefined when a limit answered. */
  readUpload(reply: FastifyReply, user: string, job: ImportJob): Promise<ImportResult | undefined> {
    return this.#run(reply, user, job) as Promise<ImportResult | undefined>;
  }

  async #run(
    reply: FastifyReply,
    user: string,
    job: Job,
    after: (r: JobResult) => Promise<JobResult> = async (r) => r,
  ): Promise<JobResult | undefined> {
    const kind = job.kind === 'export' ? `export:${job.format}` : job.kind;
    const entered = this.gate.enter(user, this.#durations.expected(kind));
    if (typeof entered !== 'function') {
      refuse(
        reply,
        429,
        entered.retryAfter,
        'TOO_MANY_JOBS',
        `You have ${entered.limit} heavy requests (analyses, exports, uploads) running; this server runs at most ${entered.limit} per user at once. Try again when one has finished (in about ${entered.retryAfter} s).`,
      );
      return undefined;
    }
    const t0 = performance.now();
    try {
      const inline = !this.pool || (job.kind === 'import' && job.text.length <= this.inlineUploadBytes);
      const result = await after(
        inline ? await runJob(this.models, job, (write) => write()) : await (this.pool as JobPool).run(job),
      );
      this.#durations.observe(kind, performance.now() - t0);
      return result;
    } catch (e) {
      if (e instanceof PoolBusy || e instanceof PrinterBusy) {
        const what = e instanceof PoolBusy ? 'heavy jobs (analyses, exports, uploads)' : 'PDFs';
        refuse(
          reply,
          503,
          e.retryAfter,
          'SERVER_BUSY',
          `The server is running as many ${what} as it can and its queue is full. Try again in about ${e.retryAfter} s.`,
        );
        return undefined;
      }
      if (e instanceof JobOutOfMemory) {
        reply.status(503).send({
          code: 'JOB_TOO_LARGE',
          message: `${e.message} Whoever runs the server can allow more: bulwark serve --worker-memory <MB>.`,
        });
        return undefined;
      }
      throw e;
    } finally {
      entered();
    }
  }
}

function refuse(reply: FastifyReply, status: number, retryAfter: number, code: string, message: string): void {
  reply.status(status).header('retry-after', String(retryAfter)).send({ code, message });
}
