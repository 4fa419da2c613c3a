/**
 * What a database failure means, in one place: SQLite's result codes, PostgreSQL's SQLSTATEs and
 * the connection errors of the driver mapped to a cause (read-only, disk full, unreachable,
 * I/O error, damaged), an HTTP status (503, or 507 for a full disk) and a message that says what
 * is wrong and what whoever runs the server should do. The app's error handler and `/healthz`
 * use it, so a failing database never answers as an anonymous 500.
 */

/** Why the database cannot do what was asked. */
export type DatabaseProblem = 'read-only' | 'disk-full' | 'unreachable' | 'io-error' | 'damaged';

/** A database failure, classified. */
export interface DatabaseFailure {
  problem: DatabaseProblem;
  /** 507 for a full disk, else 503: the server cannot store anything until its operator acts. */
  status: 503 | 507;
  /** The error body's code. */
  code: 'DATABASE_READ_ONLY' | 'DATABASE_FULL' | 'DATABASE_UNREACHABLE' | 'DATABASE_IO_ERROR' | 'DATABASE_DAMAGED';
  /** What is wrong and what to do, for the person asking and whoever runs the server. */
  message: string;
  /** The code the database or driver gave (SQLITE_FULL, 53100, ECONNREFUSED, ...), for the log. */
  reason: string;
}

const FAILURES: Record<DatabaseProblem, Omit<DatabaseFailure, 'reason'>> = {
  'read-only': {
    problem: 'read-only',
    status: 503,
    code: 'DATABASE_READ_ONLY',
    message:
      'The database is read-only, so nothing can be saved; nothing was changed. Whoever runs the server: make the database writable (SQLite: the server needs write permission on the database file and its folder, on a file system mounted read-write; PostgreSQL: connect to the primary, not a standby, and turn off default_transaction_read_only), then try again.',
  },
  'disk-full': {
    problem: 'disk-full',
    status: 507,
    code: 'DATABASE_FULL',
    message:
      'The database is full (no space left on its disk, or its size limit reached), so nothing can be saved; nothing was changed. Whoever runs the server: free space on the disk that holds the database (or raise its quota), then try again.',
  },
  unreachable: {
    problem: 'unreachable',
    status: 503,
    code: 'DATABASE_UNREACHABLE',
    message:
      'The database is not reachable, so nothing can be read or saved. Whoever runs the server: check that the database server is running and that this server can connect to it (address, port, credentials, network), then try again.',
  },
  'io-error': {
    problem: 'io-error',
    status: 503,
    code: 'DATABASE_IO_ERROR',
    message:
      'The disk that holds the database failed a read or a write, so this was not done. Whoever runs the server: check that disk (space, errors in the system log, a network file system that went away), then try again.',
  },
  damaged: {
    problem: 'damaged',
    status: 503,
    code: 'DATABASE_DAMAGED',
    message:
      'The database file is damaged or is not a Bulwark database, so this was not done. Whoever runs the server: stop it and restore the database from a backup (bulwark db backup makes one).',
  },
};

/** PostgreSQL SQLSTATEs (and classes, by their first two characters) that say what is wrong. */
const POSTGRES: Record<string, DatabaseProblem> = {
  '53100': 'disk-full', // disk_full
  '25006': 'read-only', // read_only_sql_transaction (default_transaction_read_only, a hot standby)
  '57P01': 'unreachable', // admin_shutdown
  '57P02': 'unreachable', // crash_shutdown
  '57P03': 'unreachable', // cannot_connect_now (starting up, shutting down)
  '58030': 'io-error', // io_error
  XX001: 'damaged', // data_corrupted
  XX002: 'damaged', // index_corrupted
  '08': 'unreachable', // connection_exception and the rest of its class
};

/** Node's errors for a connection that cannot be made or was lost. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** The messages pg gives for a lost or unusable connection (they carry no code). */
const CONNECTION_MESSAGES =
  /^(Connection terminated|Client was closed and is not queryable|Client has encountered a connection error|timeout exceeded when trying to connect|Connection terminated due to connection timeout)/;

function problemOf(code: string, message: string): DatabaseProblem | undefined {
  if (code.startsWith('SQLITE_')) {
    if (code === 'SQLITE_FULL') return 'disk-full';
    if (code.startsWith('SQLITE_READONLY')) return 'read-only';
    if (code.startsWith('SQLITE_IOERR')) return 'io-error';
    if (code.startsWith('SQLITE_CANTOPEN')) return 'unreachable';
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'damaged';
    return undefined;
  }
  if (/^[0-9A-Z]{5}$/.test(code) && !CONNECTION_CODES.has(code)) return POSTGRES[code] ?? POSTGRES[code.slice(0, 2)];
  if (CONNECTION_CODES.has(code)) return 'unreachable';
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'disk-full';
  if (code === 'EROFS') return 'read-only';
  if (code === '' && CONNECTION_MESSAGES.test(message)) return 'unreachable';
  return undefined;
}

/**
 * What a thrown error says about the database, or undefined when it is not a database failure
 * (a bug, a constraint the code should have checked, ...). Looks through `cause` and the errors
 * of an AggregateError (a connection refused on every address of a host name).
 */
export function databaseFailure(error: unknown): DatabaseFailure | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0) {
    const e = queue.shift();
    if (typeof e !== 'object' || e === null || seen.has(e)) continue;
    seen.add(e);
    const { code, message } = e as { code?: unknown; message?: unknown };
    const codeText = typeof code === 'string' ? code : '';
    const problem = problemOf(codeText, typeof message === 'string' ? message : '');
    if (problem) return { ...FAILURES[problem], reason: codeText || String(message) };
    queue.push((e as { cause?: unknown }).cause);
    if (e instanceof AggregateError) queue.push(...e.errors);
  }
  return undefined;
}

/** The failure for a problem found without an error (a health check that measured it). */
export function databaseProblem(problem: DatabaseProblem, reason: string): DatabaseFailure {
  return { ...FAILURES[problem], reason };
}
