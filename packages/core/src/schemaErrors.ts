/** Turns zod issues into Bulwark errors that name the path and say what to do. */
import type { z } from 'zod';
import { type BulwarkError, bulwarkError, type ErrorCode } from './errors.js';

/** Formats a zod path as `diagrams[0].elements[2].source`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** One error for a failed schema parse, with one detail per issue (at most `limit`). */
export function schemaError(
  zodError: z.ZodError,
  what: string,
  options: { file?: string; code?: ErrorCode; limit?: number } = {},
): BulwarkError {
  const limit = options.limit ?? 20;
  const issues = zodError.issues;
  const details = issues.slice(0, limit).map((issue) =>
    bulwarkError(options.code ?? 'SCHEMA_INVALID', issue.message, {
      ...(options.file !== undefined ? { file: options.file } : {}),
      path: formatPath(issue.path) || '(root)',
    }),
  );
  const more = issues.length > limit ? ` (showing the first ${limit})` : '';
  return bulwarkError(
    options.code ?? 'SCHEMA_INVALID',
    `Not a valid ${what}: ${issues.length} problem${issues.length === 1 ? '' : 's'}${more}. Fix them and try again.`,
    { ...(options.file !== undefined ? { file: options.file } : {}), details },
  );
}
