/** One mapping from Bulwark error codes to HTTP statuses, and the JSON error body. */
import { type BulwarkError, bulwarkError, type ErrorCode } from '@bulwark/core';

/** The HTTP status for each error code. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  PARSE_SYNTAX: 400,
  SCHEMA_INVALID: 422,
  SCHEMA_VERSION_UNSUPPORTED: 422,
  MIGRATION_FAILED: 422,
  RULE_SYNTAX: 422,
  RULE_SCOPE: 422,
  TEMPLATE_UNKNOWN: 422,
  TEMPLATE_INVALID: 422,
  IO: 500,
  USAGE: 400,
  NOT_FOUND: 404,
  VERSION_CONFLICT: 409,
  PRECONDITION_REQUIRED: 428,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
};

/** An expected failure of a request, carrying its Bulwark error. */
export class HttpError extends Error {
  constructor(
    readonly error: BulwarkError,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error.message);
  }
}

/** The JSON body of an error response: `{ code, message, path?, line?, column?, details?, ... }`. */
export function errorBody(e: BulwarkError, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    code: e.code,
    message: e.message,
    ...(e.path !== undefined ? { path: e.path } : {}),
    ...(e.line !== undefined ? { line: e.line } : {}),
    ...(e.column !== undefined ? { column: e.column } : {}),
    ...(e.details
      ? {
          details: e.details.map((d) => ({
            message: d.message,
            ...(d.path ? { path: d.path } : {}),
            ...(d.line !== undefined ? { line: d.line } : {}),
            ...(d.column !== undefined ? { column: d.column } : {}),
          })),
        }
      : {}),
    ...extra,
  };
}

/** Stops a request with an expected failure: the error handler answers with its status and body. */
export function fail(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): never {
  throw new HttpError(bulwarkError(code, message), extra);
}
