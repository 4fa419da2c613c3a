/** The models page: the list, a new model from a template, and importing a file. */
import { useEffect, useState } from 'react';
import { createModel, importModel, listModels, listTemplates, type ModelSummary } from './api.js';

export function ModelsPage({ open }: { open: (id: string) => void }) {
  const [models, setModels] = useState<ModelSummary[] | undefined>();
  const [templates, setTemplates] = useState<{ id: string; name: string }[]>([]);
  const [search, setSearch] = useState('');
  const [name, setName] = useState('');
  const [template, setTemplate] = useState('stride');
  const [error, setError] = useState<string | undefined>();

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
      open(await importModel(await file.text()));
    } catch (e) {
      setError(`${file.name}: ${(e as Error).message}`);
    }
  }

  return (
    <main className="bw-page">
      <h1>Threat models</h1>
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
          Import a file (.bulwark.json, .yaml, .tm7){' '}
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
              <th>Version</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((m) => (
              <tr key={m.id}>
                <td>
                  <a href={`#/models/${encodeURIComponent(m.id)}`}>{m.name}</a>
                </td>
                <td>{m.templateId}</td>
                <td>{m.version}</td>
                <td>{new Date(m.updatedAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
