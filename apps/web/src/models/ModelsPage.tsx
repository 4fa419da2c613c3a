/**
 * The models page: the list, a new model from a template, importing (pick or drop a file), export
 * and delete. In team mode the list shows the caller's role on each model, and only owners are
 * offered Delete.
 */
import { useEffect, useState } from 'react';
import {
  createModel,
  deleteModel,
  exportUrl,
  getFormats,
  type ImportSummary,
  importModel,
  listModels,
  listTemplates,
  type ModelFormatInfo,
  type ModelSummary,
  roleAtLeast,
  thumbnailUrl,
} from '../api.js';
import { type ImportFailure, importFailure, summaryLines } from './importMessages.js';
import { relativeTime } from './relativeTime.js';

/** May the caller delete this model? (A server that names no role is one of local mode.) */
const canDelete = (m: ModelSummary): boolean => roleAtLeast(m.role ?? 'owner', 'owner');

export function ModelsPage({ open, team = false }: { open: (id: string) => void; team?: boolean }) {
  const [models, setModels] = useState<ModelSummary[] | undefined>();
  const [templates, setTemplates] = useState<{ id: string; name: string }[]>([]);
  const [search, setSearch] = useState('');
  const [name, setName] = useState('');
  const [template, setTemplate] = useState('stride');
  const [error, setError] = useState<string | undefined>();
  // The other tools' formats the server writes (export).
  const [formats, setFormats] = useState<ModelFormatInfo[]>([]);
  useEffect(() => {
    getFormats().then(
      (all) => setFormats(all.filter((f) => f.writes)),
      () => setFormats([]),
    );
  }, []);
  // What the last import brought in (or why it failed), shown until the next one or until opened.
  const [imported, setImported] = useState<{ id: string; file: string; summary?: ImportSummary; warnings: string[] }>();
  const [importFailed, setImportFailed] = useState<(ImportFailure & { file: string }) | undefined>();
  const [importing, setImporting] = useState<string | undefined>();
  const [confirming, setConfirming] = useState<string | undefined>();
  const [dropping, setDropping] = useState(false);

  useEffect(() => {
    listModels().then(setModels, (e: Error) => setError(e.message));
    listTemplates().then(
      (ts) => setTemplates(ts.filter((t, i) => ts.findIndex((u) => u.id === t.id) === i)),
      () => undefined,
    );
  }, []);

  const shown = (models ?? []).filter((m) => m.name.toLowerCase().includes(search.trim().toLowerCase()));

  async function onCreate(event: React.FormEvent) {
    event.preventDefault();
    try {
      open(await createModel(name.trim(), template));
    } catch (e) {
      setError((e as Error).message);
    }
  }

  async function onImport(file: File | undefined) {
    if (!file) return;
    setImported(undefined);
    setImportFailed(undefined);
    setImporting(file.name);
    try {
      const { id, warnings, summary } = await importModel(await file.text(), file.name);
      setImported({ id, file: file.name, warnings, ...(summary ? { summary } : {}) });
      listModels().then(setModels, () => undefined);
    } catch (e) {
      setImportFailed({ file: file.name, ...importFailure(e, file.name) });
    } finally {
      setImporting(undefined);
    }
  }

  async function onDelete(m: ModelSummary) {
    try {
      await deleteModel(m.id, m.version);
      setModels((ms) => ms?.filter((x) => x.id !== m.id));
    } catch (e) {
      setError(`${m.name}: ${(e as Error).message}`);
    }
    setConfirming(undefined);
  }

  return (
    <main
      className={`bw-page${dropping ? ' bw-dropping' : ''}`}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={(e) => {
        if (e.dataTransfer.files.length === 0) return;
        e.preventDefault();
        setDropping(false);
        onImport(e.dataTransfer.files[0]);
      }}
    >
      <h1>Threat models</h1>
      <p>
        <a href="#/templates">Templates</a>: build your own, import a .tb7, export one
      </p>
      {importing && <p role="status">Importing {importing}…</p>}
      {importFailed && (
        <section role="alert" aria-label="Import failed" className="bw-error bw-import-failed">
          <p>
            <strong>{importFailed.file}</strong> was not imported:
          </p>
          <pre>{importFailed.head}</pre>
          {importFailed.details.length > 0 && (
            <ul>
              {importFailed.details.map((d) => (
                <li key={d}>
                  <pre>{d}</pre>
                </li>
              ))}
            </ul>
          )}
          <button type="button" onClick={() => setImportFailed(undefined)}>
            Dismiss
          </button>
        </section>
      )}
      {imported && (
        <ImportSummaryPanel
          {...imported}
          name={models?.find((m) => m.id === imported.id)?.name}
          open={() => open(imported.id)}
          dismiss={() => setImported(undefined)}
        />
      )}
      {error && (
        <p role="alert" className="bw-error">
          {error}
        </p>
      )}
      <section className="bw-toolbar">
        <label>
          Search <input value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Model name" />
        </label>
        <form onSubmit={onCreate}>
          <label>
            New model <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Name" required />
          </label>
          <label>
            Template{' '}
            <select value={template} onChange={(e) => setTemplate(e.target.value)}>
              {templates.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Create</button>
        </form>
        <label className="bw-import">
          Import a file (Bulwark .json or .yaml, .tm7, or another tool's model), or drop one on this page{' '}
          <input type="file" onChange={(e) => onImport(e.target.files?.[0])} />
        </label>
      </section>
      {models === undefined ? (
        <p>Loading…</p>
      ) : (
        <table className="bw-table">
          <thead>
            <tr>
              <th>Model</th>
              <th>Template</th>
              <th>Open high-priority threats</th>
              <th>Last change</th>
              {team && <th>Your role</th>}
              <th>Export</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.map((m) => (
              <tr key={m.id}>
                <td className="bw-model-name">
                  <img
                    className="bw-thumbnail"
                    src={thumbnailUrl(m.id, m.version)}
                    alt={`First diagram of ${m.name}`}
                    width={160}
                    height={100}
                    loading="lazy"
                    decoding="async"
                  />
                  <a href={`#/models/${encodeURIComponent(m.id)}`}>{m.name}</a>
                </td>
                <td title={m.templateId}>{templates.find((t) => t.id === m.templateId)?.name ?? m.templateId}</td>
                <td className="bw-open-high">
                  {m.openHighThreats > 0 ? (
                    <span className="bw-badge bw-badge-high">{m.openHighThreats} open</span>
                  ) : (
                    <span className="bw-badge bw-badge-none">None open</span>
                  )}
                </td>
                <td className="bw-last-change">
                  <time dateTime={m.updatedAt} title={new Date(m.updatedAt).toLocaleString()}>
                    {relativeTime(m.updatedAt)}
                  </time>{' '}
                  by {m.updatedBy} <span className="bw-version">(version {m.version})</span>
                </td>
                {team && <td className="bw-role">{m.role}</td>}
                <td className="bw-exports">
                  <a href={exportUrl(m.id, 'json')} download aria-label={`Export ${m.name} as JSON`}>
                    JSON
                  </a>{' '}
                  <a href={exportUrl(m.id, 'yaml')} download aria-label={`Export ${m.name} as YAML`}>
                    YAML
                  </a>{' '}
                  {formats.length > 0 && (
                    <details className="bw-export-more">
                      <summary aria-label={`Export ${m.name} for another tool`}>Other…</summary>
                      <ul>
                        {formats.map((f) => (
                          <li key={f.id}>
                            <a href={exportUrl(m.id, f.id)} download>
                              {f.name}
                            </a>
                          </li>
                        ))}
                      </ul>
                    </details>
                  )}
                </td>
                <td>
                  {!canDelete(m) ? null : confirming === m.id ? (
                    <span role="alertdialog" aria-label={`Delete ${m.name}?`} className="bw-confirm">
                      Delete “{m.name}” and its history?{' '}
                      <button type="button" className="bw-danger" onClick={() => onDelete(m)}>
                        Delete
                      </button>{' '}
                      <button type="button" onClick={() => setConfirming(undefined)}>
                        Cancel
                      </button>
                    </span>
                  ) : (
                    <button type="button" aria-label={`Delete ${m.name}`} onClick={() => setConfirming(m.id)}>
                      Delete
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

/** What an import brought in: the model's name and where it came from, counts, the first analysis, every warning. */
function ImportSummaryPanel(props: {
  id: string;
  file: string;
  name: string | undefined;
  summary?: ImportSummary;
  warnings: string[];
  open: () => void;
  dismiss: () => void;
}) {
  const { file, name, summary, open, dismiss } = props;
  const warnings = summary?.warnings ?? props.warnings;
  const lines = summary ? summaryLines(summary) : undefined;
  return (
    <section className="bw-import-summary" role="status" aria-label="Import summary">
      <h2>
        Imported {name ? `“${name}”` : 'the model'} from {file}
      </h2>
      {summary && lines && (
        <>
          <p>
            Read as {summary.formatName}.{' '}
            {summary.nameFrom === 'file'
              ? 'Named as the file names it.'
              : 'The file names no model, so it is named after the file.'}
          </p>
          <ul className="bw-import-counts">
            <li>{lines.holds}</li>
            <li>{lines.threats}</li>
            <li>{lines.analysis}</li>
          </ul>
        </>
      )}
      {warnings.length === 0 ? (
        <p>No warnings.</p>
      ) : (
        <>
          <h3>
            {warnings.length} warning{warnings.length === 1 ? '' : 's'}
          </h3>
          <ul className="bw-import-warnings-list">
            {warnings.map((w, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: warnings may repeat word for word
              <li key={i}>{w}</li>
            ))}
          </ul>
        </>
      )}
      <button type="button" onClick={open}>
        Open the model
      </button>{' '}
      <button type="button" onClick={dismiss}>
        Close
      </button>
    </section>
  );
}
