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
  importModel,
  listModels,
  listTemplates,
  type ModelFormatInfo,
  type ModelSummary,
  roleAtLeast,
} from './api.js';

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
  // An import that could not carry everything across: what was left out, before opening it.
  const [imported, setImported] = useState<{ id: string; file: string; warnings: string[] } | undefined>();
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
    try {
      const { id, warnings } = await importModel(await file.text());
      if (warnings.length === 0) open(id);
      else setImported({ id, file: file.name, warnings });
    } catch (e) {
      setError(`${file.name}: ${(e as Error).message}`);
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
      {imported && (
        <section className="bw-import-warnings" role="status" aria-label="Import notes">
          <p>
            {imported.file} was imported; {imported.warnings.length} thing{imported.warnings.length === 1 ? '' : 's'}{' '}
            could not be carried across:
          </p>
          <ul>
            {imported.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
          <button type="button" onClick={() => open(imported.id)}>
            Open the model
          </button>
        </section>
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
              {team && <th>Your role</th>}
              <th>Version</th>
              <th>Updated</th>
              <th>Export</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.map((m) => (
              <tr key={m.id}>
                <td>
                  <a href={`#/models/${encodeURIComponent(m.id)}`}>{m.name}</a>
                </td>
                <td title={m.templateId}>{templates.find((t) => t.id === m.templateId)?.name ?? m.templateId}</td>
                {team && <td className="bw-role">{m.role}</td>}
                <td>{m.version}</td>
                <td>{new Date(m.updatedAt).toLocaleString()}</td>
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
