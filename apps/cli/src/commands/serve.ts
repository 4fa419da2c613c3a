/** `bulwark serve`: the server and its JSON API, on SQLite by default or on PostgreSQL. */
import { isIP } from 'node:net';
import { bulwarkError } from '@bulwark/core';
import type { Command } from 'commander';
import { CliFailure } from '../context.js';
import { out } from '../output.js';

/** Names proxy-addr knows for groups of addresses. */
const ADDRESS_GROUPS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** --trust-proxy's list: IP addresses, subnets (address/bits) or group names, comma-separated. */
function checkProxyAddresses(list: string): void {
  for (const item of list.split(',').map((a) => a.trim())) {
    const [address = '', bits, ...rest] = item.split('/');
    const version = isIP(address);
    const bitsOk = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (version === 6 ? 128 : 32));
    if (!(ADDRESS_GROUPS.has(item) || (version !== 0 && bitsOk && rest.length === 0)))
      throw new CliFailure(
        bulwarkError(
          'USAGE',
          `--trust-proxy takes the addresses or subnets of your proxy, comma-separated (e.g. 127.0.0.1, 10.0.0.0/8 or loopback), not "${item}".`,
        ),
      );
  }
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('start the Bulwark server (embedded SQLite by default; PostgreSQL with --db postgres://...)')
    .option(
      '--db <url>',
      'sqlite:<file> or postgres://user@host:port/db (default: $BULWARK_DB_URL, else sqlite:./data/bulwark.db)',
    )
    .option('--host <address>', 'address to listen on (default: $HOST, else 127.0.0.1)')
    .option('--port <port>', 'port to listen on (default: $PORT, else 3000; 0 picks a free one)')
    .option('--seed <file>', 'a model to load when the database has no models yet')
    .option('--auth <mode>', 'none (one local user, loopback only) or local (accounts: see bulwark users)', 'none')
    .option(
      '--allowed-host <name...>',
      "host names the server answers to besides its own addresses (the name users type, or a proxy's)",
    )
    .option(
      '--trust-proxy [addresses]',
      'a reverse proxy is in front: believe its X-Forwarded-Proto/-For (the session cookie is Secure over HTTPS); its addresses or subnets, comma-separated (default: loopback)',
    )
    .option('--log', 'log requests (JSON lines on standard output)')
    .option('--max-body <MB>', 'largest request the server accepts, in megabytes: a model saved or uploaded', '64')
    .option(
      '--workers <n>',
      'worker threads for heavy work: analyses, exports, large uploads (default: one fewer than the cores, at least 1)',
    )
    .option('--jobs-per-user <n>', 'heavy requests one user may have running at once; more get 429', '2')
    .option('--worker-memory <MB>', "heap limit of each worker thread, in megabytes (default: Node's)")
    .action(
      async (opts: {
        db?: string;
        host?: string;
        port?: string;
        seed?: string;
        auth: string;
        log?: boolean;
        maxBody: string;
        allowedHost?: string[];
        trustProxy?: string | true;
        workers?: string;
        jobsPerUser: string;
        workerMemory?: string;
      }) => {
        if (opts.auth !== 'none' && opts.auth !== 'local')
          throw new CliFailure(bulwarkError('USAGE', `--auth must be none or local, not "${opts.auth}".`));
        const port = opts.port === undefined ? undefined : Number(opts.port);
        if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
          throw new CliFailure(bulwarkError('USAGE', `--port must be a number from 0 to 65535, not "${opts.port}".`));
        }
        const count = (value: string | undefined, option: string, max: number): number | undefined => {
          if (value === undefined) return undefined;
          const n = Number(value);
          if (!Number.isInteger(n) || n < 1 || n > max)
            throw new CliFailure(
              bulwarkError('USAGE', `${option} must be a whole number from 1 to ${max}, not "${value}".`),
            );
          return n;
        };
        const threads = count(opts.workers, '--workers', 256);
        const perUser = count(opts.jobsPerUser, '--jobs-per-user', 1000);
        const memoryMb = count(opts.workerMemory, '--worker-memory', 1_000_000);
        const maxBody = Number(opts.maxBody);
        if (!Number.isFinite(maxBody) || maxBody < 1 || maxBody > 4096)
          throw new CliFailure(
            bulwarkError('USAGE', `--max-body must be a number of megabytes from 1 to 4096, not "${opts.maxBody}".`),
          );
        const trustProxy = opts.trustProxy === true ? 'loopback' : opts.trustProxy;
        if (trustProxy !== undefined) checkProxyAddresses(trustProxy);
        // Loaded here, not at start-up: the other commands need no database or HTTP server.
        const { startServer } = await import('@bulwark/server');
        let server: Awaited<ReturnType<typeof startServer>>;
        try {
          server = await startServer({
            ...(opts.db !== undefined ? { db: opts.db } : {}),
            ...(opts.host !== undefined ? { host: opts.host } : {}),
            ...(port !== undefined ? { port } : {}),
            ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
            auth: opts.auth,
            // Errors are always logged: the 500 answer tells the client to look in the log.
            logger: opts.log === true ? true : 'errors',
            bodyLimit: Math.round(maxBody * 1024 * 1024),
            ...(opts.allowedHost !== undefined ? { allowedHosts: opts.allowedHost } : {}),
            ...(trustProxy !== undefined ? { trustProxy } : {}),
            work: {
              ...(threads !== undefined ? { threads } : {}),
              ...(perUser !== undefined ? { perUser } : {}),
              ...(memoryMb !== undefined ? { memoryMb } : {}),
            },
          });
        } catch (e) {
          throw new CliFailure(bulwarkError('IO', e instanceof Error ? e.message : String(e)));
        }
        process.stdout.write(
          `${out.green('Bulwark is running at')} ${out.bold(server.url)}  (database: ${server.store.dialect} ${server.store.location}; Ctrl+C stops it)\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = (signal: string): void => {
            process.stdout.write(`\n${signal}: finishing requests in flight, then closing the database…\n`);
            server.close().then(resolve, resolve);
          };
          process.once('SIGINT', () => stop('SIGINT'));
          process.once('SIGTERM', () => stop('SIGTERM'));
        });
      },
    );
}
