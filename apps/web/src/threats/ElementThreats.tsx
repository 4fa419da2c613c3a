/**
 * The threats of the selected element (on it, or on a flow it takes part in), listed in the
 * properties panel with their status; choosing one selects it in the threats list.
 */
import type { Threat } from '@bulwark/core';
import { filterThreats, STATUS_LABEL, where } from './threatList.js';

export interface ElementThreatsProps {
  elementId: string;
  threats: Threat[];
  names: Map<string, string>;
  onSelectThreat: (id: string) => void;
}

export function ElementThreats({ elementId, threats, names, onSelectThreat }: ElementThreatsProps) {
  const mine = filterThreats(threats, { status: '', priority: '', category: '', element: elementId, text: '' });
  return (
    <section className="bw-element-threats" aria-label="Threats of this element">
      <h3>
        Threats <span className="bw-muted">{mine.length}</span>
      </h3>
      {mine.length === 0 ? (
        <p className="bw-muted">None.</p>
      ) : (
        <ul>
          {mine.map((t) => (
            <li key={t.id}>
              <button type="button" className="bw-link" onClick={() => onSelectThreat(t.id)} title={where(t, names)}>
                {t.title}
              </button>{' '}
              <span className={`bw-status-tag bw-status-${t.status}`}>{STATUS_LABEL[t.status]}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
