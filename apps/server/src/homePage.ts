/** The plain page at `/` until the web app exists: the models, with links to their exports. */
import type { ModelSummary } from './storage/ModelStore.js';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The page, every user string escaped. */
export function homePage(models: ModelSummary[], notice?: string): string {
  const rows = models
    .map((m) => {
      const id = encodeURIComponent(m.id);
      return `<tr><td>${escapeHtml(m.name)}</td><td>${escapeHtml(m.templateId)}</td><td>${m.version}</td><td>${escapeHtml(m.updatedAt)}</td><td><a href="/api/models/${id}">JSON</a> · <a href="/api/models/${id}/export?format=json">export</a> · <a href="/api/models/${id}/export?format=tm7">.tm7</a></td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bulwark</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}td,th{padding:.35rem .8rem;border-bottom:1px solid #ddd;text-align:left}</style>
</head><body>
<h1>Bulwark</h1>
${notice ? `<p><strong>${escapeHtml(notice)}</strong></p>` : ''}
<p>${models.length} model${models.length === 1 ? '' : 's'}. The JSON API is under <code>/api</code>; health at <a href="/healthz">/healthz</a>.</p>
<table><thead><tr><th>Model</th><th>Template</th><th>Version</th><th>Updated</th><th></th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}

/** A plain page listing the API's endpoints, with a link to the OpenAPI JSON. */
export function docsPage(doc: Record<string, unknown>): string {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, { summary?: string }>>;
  const rows: string[] = [];
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (method === 'parameters') continue;
      rows.push(
        `<tr><td><code>${escapeHtml(method.toUpperCase())}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(op.summary ?? '')}</td></tr>`,
      );
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bulwark API</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}td{padding:.3rem .8rem;border-bottom:1px solid #ddd}</style>
</head><body><h1>Bulwark API</h1><p>OpenAPI 3.1: <a href="/api/docs/json">/api/docs/json</a>. Writes need <code>If-Match</code> with the ETag you read.</p>
<table><tbody>
${rows.join('\n')}
</tbody></table></body></html>
`;
}
