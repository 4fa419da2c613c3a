/**
 * The one catalogue of expected failures. Parsing, migrating, validating, rule compiling and
 * importing return these as values; the CLI maps them to exit codes and the server to HTTP
 * statuses. Throw only for bugs.
 */

/** Every error code Bulwark reports, with what kind of problem it is. */
export const ERROR_CODES = {
  /** The input is not valid JSON or YAML. */
  PARSE_SYNTAX: 'input',
  /** The input parsed but does not match the schema. */
  SCHEMA_INVALID: 'input',
  /** The file declares a schema version newer than this Bulwark understands. */
  SCHEMA_VERSION_UNSUPPORTED: 'input',
  /** A migration step failed. */
  MIGRATION_FAILED: 'input',
  /** A rule (include/exclude filter) does not parse. */
  RULE_SYNTAX: 'input',
  /** A rule uses a role that its scope does not have (e.g. `element` in an interaction rule). */
  RULE_SCOPE: 'input',
  /** The model names a template that is not known. */
  TEMPLATE_UNKNOWN: 'input',
  /** A template file does not match the template schema or is inconsistent. */
  TEMPLATE_INVALID: 'input',
  /** A file could not be read or written. */
  IO: 'io',
  /** A command-line usage problem. */
  USAGE: 'usage',
  /** The thing asked for does not exist. */
  NOT_FOUND: 'input',
  /** A write named a version that is no longer the current one: someone else saved first. */
  VERSION_CONFLICT: 'conflict',
  /** A write did not say which version it read (If-Match). */
  PRECONDITION_REQUIRED: 'usage',
  /** The request needs a signed-in user or an API token. */
  UNAUTHENTICATED: 'access',
  /** The user may not do this. */
  FORBIDDEN: 'access',
} as const;

/** A code from the catalogue. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** An expected failure, with enough context for a user to find and fix the problem. */
export interface BulwarkError {
  code: ErrorCode;
  /** A sentence a user understands: what is wrong and what to do. */
  message: string;
  /** The file the problem is in, when there is one. */
  file?: string;
  /** A path inside the document, e.g. `diagrams[0].elements[3].source`. */
  path?: string;
  /** 1-based line and column, for text inputs such as rules and YAML. */
  line?: number;
  column?: number;
  /** Further problems (e.g. every schema issue), each a full error. */
  details?: BulwarkError[];
}

/** The result of an operation that can fail in an expected way. */
export type Result<T, E = BulwarkError> = { ok: true; value: T } | { ok: false; error: E };

/** Wraps a value as a success. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** Wraps an error as a failure. */
export function err<E = BulwarkError>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

/** Builds a BulwarkError with the given code and message, plus optional context. */
export function bulwarkError(
  code: ErrorCode,
  message: string,
  context: Omit<BulwarkError, 'code' | 'message'> = {},
): BulwarkError {
  return { code, message, ...context };
}

/** Formats an error as one line per problem: `file:path: message`. */
export function formatError(error: BulwarkError): string {
  const where = [
    error.file,
    error.line !== undefined ? `${error.line}${error.column !== undefined ? `:${error.column}` : ''}` : undefined,
    error.path,
  ]
    .filter((part) => part !== undefined && part !== '')
    .join(':');
  const head = where ? `${where}: ${error.message}` : error.message;
  const rest = (error.details ?? []).map((d) => `  - ${formatError(d)}`);
  return [head, ...rest].join('\n');
}
