/** Markdown as GitHub would show it (marked, GFM), and the table cells it should have. */
import { marked } from 'marked';

/** The HTML a GFM renderer makes of the Markdown. */
export function markdownHtml(md: string): string {
  return marked.parse(md, { async: false, gfm: true });
}

/** How many cells the Markdown's table rows have (unescaped pipes), and how many the HTML has. */
export function tableCells(md: string): { written: number; rendered: number } {
  const rows = md.match(/^\| .* \|$/gm) ?? [];
  const written = rows.reduce((n, r) => n + r.split(/(?<!\\)\|/).length - 2, 0);
  const rendered = (markdownHtml(md).match(/<t[dh]>/g) ?? []).length;
  return { written, rendered };
}
