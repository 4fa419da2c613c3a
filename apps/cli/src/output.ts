/** Terminal output: colours only on a TTY (and never with NO_COLOR), and plain tables. */
import pc from 'picocolors';

/** Colour functions for a stream: real on a TTY without NO_COLOR, identity otherwise. */
export function colours(stream: NodeJS.WriteStream): ReturnType<typeof pc.createColors> {
  const enabled = Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
  return pc.createColors(enabled);
}

/** Colours for standard output and standard error. */
export const out = colours(process.stdout);
export const errc = colours(process.stderr);

/** Renders rows as an aligned text table with a header. */
export function textTable(header: string[], rows: string[][], maxWidth = 60): string {
  const clip = (s: string) => (s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s);
  const cells = [header, ...rows].map((r) => r.map(clip));
  const widths = header.map((_, i) => cells.reduce((w, r) => Math.max(w, (r[i] ?? '').length), 0));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [out.bold(line(cells[0] ?? [])), ...cells.slice(1).map(line)].join('\n');
}

/** Escapes text for a Markdown table cell: HTML, pipes and line breaks. */
export function mdCell(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
}

/**
 * Writes pieces of text to a stream as they come, gathered into writes of about 1 MB, waiting
 * whenever the stream's buffer is full (a pipe to a slow reader), so a large output is never
 * held whole nor queued whole in memory.
 */
export async function writePieces(stream: NodeJS.WritableStream, pieces: Iterable<string>): Promise<void> {
  let batch = '';
  const flush = async (): Promise<void> => {
    const text = batch;
    batch = '';
    if (text !== '' && !stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', resolve));
  };
  for (const piece of pieces) {
    batch += piece;
    if (batch.length >= 1 << 20) await flush();
  }
  await flush();
}
