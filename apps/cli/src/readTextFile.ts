/**
 * Reading a file's text safely: through one descriptor, in chunks, with the size limit checked
 * while reading (a device or a pipe reports size 0, so a size checked before reading means
 * nothing: /dev/zero never ends). Files that a model refers to (Threagile `includes`) are read
 * only from inside the model's folder tree (real paths, so a symlink out of it is refused too)
 * and only when they are regular files (checked on the opened descriptor, not by a stat before
 * the open). The model file itself may be a pipe (`bulwark validate <(...)`), never a device or
 * a directory.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { bulwarkError, err, ok, type Result } from '@bulwark/core';

/** What kinds of file a read accepts. */
export type FileKinds = 'regular' | 'regular-or-pipe';

export interface ReadTextOptions {
  /** The most bytes read; one more is refused. */
  limit: number;
  /** The refusal of a file over the limit, with its size when known before reading. */
  tooLarge: (size: number | undefined) => string;
  kinds: FileKinds;
}

/** Why an open or read failed, in words. */
function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'it is a symbolic link that changed while it was read';
  return e instanceof Error ? e.message : String(e);
}

/** What a file that is not a regular one is, for the refusal; undefined when it is accepted. */
function refusedKind(stats: Stats, kinds: FileKinds): string | undefined {
  if (stats.isFile()) return undefined;
  if (kinds === 'regular-or-pipe' && (stats.isFIFO() || stats.isSocket())) return undefined;
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Reads all of an open descriptor, refusing past `limit` bytes while reading (never trusting the
 * size a stat reported). Returns undefined when there was more than `limit`.
 */
function readAll(fd: number, limit: number, sizeHint: number): Buffer | undefined {
  let buffer = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(sizeHint + 1, 64 * 1024)));
  let used = 0;
  for (;;) {
    if (used === buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 2));
      buffer.copy(bigger, 0, 0, used);
      buffer = bigger;
    }
    const n = readSync(fd, buffer, used, buffer.length - used, null);
    if (n === 0) return buffer.subarray(0, used);
    used += n;
    if (used > limit) return undefined;
  }
}

/**
 * The text of a file (UTF-8), read through one descriptor: what it is is checked on the opened
 * descriptor, its size as it is read. `flags` are added to the open (O_NONBLOCK for includes,
 * so opening a FIFO cannot wait for a writer).
 */
export function readTextFile(file: string, options: ReadTextOptions, flags = 0): Result<string> {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | flags);
  } catch (e) {
    return err(bulwarkError('IO', `Cannot read the file: ${reason(e)}. Check the path.`, { file }));
  }
  try {
    const stats = fstatSync(fd);
    const kind = refusedKind(stats, options.kinds);
    if (kind)
      return err(
        bulwarkError('IO', `Cannot read the file: it is ${kind}, and only regular files are read. Give a file.`, {
          file,
        }),
      );
    if (stats.isFile() && stats.size > options.limit)
      return err(bulwarkError('IO', options.tooLarge(stats.size), { file }));
    const bytes = readAll(fd, options.limit, stats.isFile() ? stats.size : 0);
    if (!bytes) return err(bulwarkError('IO', options.tooLarge(undefined), { file }));
    return ok(bytes.toString('utf8'));
  } catch (e) {
    return err(bulwarkError('IO', `Cannot read the file: ${reason(e)}. Check the path.`, { file }));
  } finally {
    closeSync(fd);
  }
}

/** O_NONBLOCK where the platform has it: opening a FIFO for reading then returns at once. */
const NONBLOCK = constants.O_NONBLOCK ?? 0;
/** O_NOFOLLOW where the platform has it: the real path checked is the file opened, not a link swapped in. */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * The `readRelated` a format gets for a model file: a path (as the format resolved it against
 * the file that names it: relative to the working directory, like the model's own path, or
 * absolute) is read only if its real path is inside the real folder of the model file, and only
 * if it is a regular file, at most `options.limit` bytes.
 */
export function relatedFileReader(
  modelFile: string,
  options: Omit<ReadTextOptions, 'kinds'>,
): (path: string) => Result<string> {
  let root: string | undefined;
  return (path) => {
    const wanted = resolve(path);
    let real: string;
    try {
      root ??= realpathSync(dirname(resolve(modelFile)));
      real = realpathSync(wanted);
    } catch (e) {
      return err(bulwarkError('IO', `Cannot read the file: ${reason(e)}. Check the path.`, { file: path }));
    }
    const inside = relative(root, real);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      const via = real === wanted ? '' : ` (through a symbolic link, it is ${real})`;
      return err(
        bulwarkError(
          'IO',
          `${wanted}${via} is outside the model's folder ${root}, and a model may include only files in its own folder and the folders below it. Copy the file into the model's folder and include it by a relative path.`,
          { file: path },
        ),
      );
    }
    return readTextFile(real, { ...options, kinds: 'regular' }, NONBLOCK | NOFOLLOW);
  };
}
