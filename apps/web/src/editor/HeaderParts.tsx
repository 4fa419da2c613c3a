/** Parts of the editor's header that stand alone: the report menu and on-demand threat generation. */
import { exportUrl } from '../api.js';

/** Downloads of the stored model: the full report (HTML, PDF), Markdown, the threats as CSV, SARIF. */
export function ReportMenu({ modelId }: { modelId: string }) {
  return (
    <details className="bw-report-menu">
      <summary>Report</summary>
      <div className="bw-report-panel">
        <p className="bw-muted bw-report-note">Of the saved version, threats as the template makes them now.</p>
        <ul>
          {(
            [
              ['html', 'Full report (HTML)'],
              ['pdf', 'Full report (PDF)'],
              ['md', 'Markdown'],
              ['csv', 'Threats (CSV)'],
              ['sarif', 'SARIF'],
            ] as const
          ).map(([format, label]) => (
            <li key={format}>
              <a href={exportUrl(modelId, format)} download>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </div>
    </details>
  );
}

/**
 * On a model whose analysis is too slow to run after every edit: whether the threats may be out
 * of date, a button to regenerate them, and the way back to regenerating after every edit.
 */
export function ThreatGeneration({
  stale,
  onRegenerate,
  onAfterEveryEdit,
}: {
  stale: boolean;
  onRegenerate: () => void;
  onAfterEveryEdit: () => void;
}) {
  return (
    <fieldset className="bw-fieldset bw-ondemand" aria-label="Threat generation">
      <span className={stale ? 'bw-stale' : 'bw-muted'}>
        {stale ? 'Threats may be out of date' : 'Threats up to date'}
      </span>
      <button
        type="button"
        onClick={onRegenerate}
        title="This model is large: threats are regenerated when you ask, not after every edit"
      >
        Regenerate threats
      </button>
      <label className="bw-check">
        <input type="checkbox" checked={false} onChange={onAfterEveryEdit} />
        after every edit
      </label>
    </fieldset>
  );
}
