/**
 * The templates page: every template at its newest version (built-in ones read only, offered
 * as a copy to edit), a new template from blank, import of a .tb7 or Bulwark JSON file, and
 * export. Opening one shows it in the template editor.
 */
import type { Template } from '@bulwark/core';
import { useEffect, useState } from 'react';
import { listTemplates } from '../api.js';
import { createTemplate, getTemplateAt, templateExportUrl } from './templatesApi.js';
import { blankTemplate, copyOfTemplate, templateIdFrom } from './templateTools.js';
import './templates.css';

interface Row {
  id: string;
  name: string;
  version: string;
  builtin: boolean;
}

/** The newest version of each template (the list comes oldest first per id). */
function newest(rows: Row[]): Row[] {
  const byId = new Map<string, Row>();
  for (const r of rows) byId.set(r.id, r);
  return [...byId.values()];
}

const openTemplate = (id: string) => window.location.assign(`#/templates/${encodeURIComponent(id)}`);

export function TemplatesPage() {
  const [rows, setRows] = useState<Row[] | undefined>();
  const [name, setName] = useState('');
  const [copying, setCopying] = useState<Row | undefined>();
  const [copyName, setCopyName] = useState('');
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    listTemplates().then(
      (ts) => setRows(newest(ts)),
      (e: Error) => setError(e.message),
    );
  }, []);

  async function create(template: Template | string, what: string) {
    try {
      const r = await createTemplate(template);
      openTemplate(r.id);
    } catch (e) {
      setError(`${what}: ${(e as Error).message}`);
    }
  }

  async function onImport(file: File | undefined) {
    if (!file) return;
    const text = await file.text();
    if (text.trimStart().startsWith('{')) {
      let parsed: Template;
      try {
        parsed = JSON.parse(text) as Template;
      } catch (e) {
        setError(
          `${file.name}: not valid JSON (${(e as Error).message}). Pick a .tb7 or a Bulwark template JSON file.`,
        );
        return;
      }
      await create(parsed, file.name);
    } else {
      await create(text, file.name);
    }
  }

  async function onCopy(event: React.FormEvent) {
    event.preventDefault();
    if (!copying) return;
    try {
      const { template } = await getTemplateAt(copying.id);
      await create(copyOfTemplate(template, templateIdFrom(copyName), copyName.trim()), copyName);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <main className="bw-page">
      <p>
        <a href="#/">Models</a> / <strong>Templates</strong>
      </p>
      <h1>Templates</h1>
      <p className="bw-muted">
        A template says which element types a model can use and which threats apply where. Saving an edit stores a new
        version; models move to it when you re-apply it.
      </p>
      {error && (
        <p role="alert" className="bw-error">
          {error}
        </p>
      )}
      <section className="bw-toolbar">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void create(blankTemplate(templateIdFrom(name), name.trim()), name);
          }}
        >
          <label>
            New template <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Name" required />
          </label>
          <button type="submit">Create from blank</button>
        </form>
        <label className="bw-import">
          Import a template (.tb7 or Bulwark JSON){' '}
          <input
            type="file"
            accept=".tb7,.json,application/json,application/xml"
            onChange={(e) => onImport(e.target.files?.[0])}
          />
        </label>
      </section>
      {copying && (
        <form className="bw-toolbar" onSubmit={onCopy} aria-label={`Copy ${copying.name}`}>
          <label>
            Name of the copy of {copying.name}{' '}
            <input value={copyName} onChange={(e) => setCopyName(e.target.value)} required />
          </label>
          <span className="bw-muted">id: {templateIdFrom(copyName)}</span>
          <button type="submit">Copy and edit</button>
          <button type="button" onClick={() => setCopying(undefined)}>
            Cancel
          </button>
        </form>
      )}
      {rows === undefined ? (
        <p>Loading…</p>
      ) : (
        <table className="bw-table">
          <thead>
            <tr>
              <th>Template</th>
              <th>Id</th>
              <th>Version</th>
              <th>Export</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr key={t.id}>
                <td>
                  <a href={`#/templates/${encodeURIComponent(t.id)}`}>{t.name}</a>
                  {t.builtin && <span className="bw-muted"> (built in)</span>}
                </td>
                <td>{t.id}</td>
                <td>{t.version}</td>
                <td className="bw-exports">
                  <a href={templateExportUrl(t.id, 'json')} download aria-label={`Export ${t.name} as JSON`}>
                    JSON
                  </a>{' '}
                  <a href={templateExportUrl(t.id, 'tb7')} download aria-label={`Export ${t.name} as .tb7`}>
                    .tb7
                  </a>
                </td>
                <td>
                  <button
                    type="button"
                    onClick={() => {
                      setCopying(t);
                      setCopyName(`${t.name} (copy)`);
                    }}
                  >
                    {t.builtin ? 'Copy to edit' : 'Copy'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
