/** The app: the models page, or one model (hash routes, so the server needs no routing of its own). */
import { useEffect, useState } from 'react';
import { ModelsPage } from './ModelsPage.js';
import { ModelView } from './ModelView.js';

function route(): { page: 'models' } | { page: 'model'; id: string } {
  const m = /^#\/models\/(.+)$/.exec(window.location.hash);
  return m?.[1] ? { page: 'model', id: decodeURIComponent(m[1]) } : { page: 'models' };
}

export function App() {
  const [current, setCurrent] = useState(route);
  useEffect(() => {
    const onHash = () => setCurrent(route());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  if (current.page === 'model') return <ModelView key={current.id} id={current.id} />;
  return <ModelsPage open={(id) => window.location.assign(`#/models/${encodeURIComponent(id)}`)} />;
}
