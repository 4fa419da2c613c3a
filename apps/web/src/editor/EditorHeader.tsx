/**
 * The editor's header, one line: where you are (the model, its revision and template), whether
 * your edits are saved, the sign-off notice, the report menu, the modes of the side panel
 * (History, Review mode), help (Tour, Shortcuts, and the tour's offer on the example model) and
 * what your role lets you do. The design actions are the diagram bar's (DesignActions).
 */
import type { SignOffState } from '@bulwark/report';
import { SignOffNotice } from '../review/ReviewPanel.js';
import type { SaveState } from './editingSession.js';
import { ReportMenu, ThreatGeneration } from './HeaderParts.js';
import { TourOffer, type TourState } from './Tour.js';

const SAVE_TEXT: Record<SaveState, string> = {
  saved: 'Saved',
  saving: 'Saving…',
  unsaved: 'Unsaved changes',
  offline: 'Offline: kept in this browser',
  conflict: 'Conflict',
};

export interface EditorHeaderProps {
  modelId: string;
  modelName: string;
  /** The working copy's revision (each save moves it on; History lists the versions kept on purpose). */
  revision: number;
  templateName: string;
  save: SaveState;
  signOffs: SignOffState;
  onShowDiff: (fromVersion: number, toVersion?: number) => void;
  /** Threats on demand (a slow analysis): shown when set. */
  threatGeneration?: { stale: boolean; onRegenerate: () => void; onAfterEveryEdit: () => void };
  historyOpen: boolean;
  onToggleHistory: () => void;
  reviewing: boolean;
  onToggleReview: () => void;
  tour: { state: TourState; setState: (s: TourState) => void; start: () => void };
  onShortcuts: () => void;
  /** The caller's role on the model; a viewer changes nothing, a reviewer triages and signs off. */
  role: string;
}

export function EditorHeader(p: EditorHeaderProps) {
  const readOnly = p.role === 'viewer';
  return (
    <header className="bw-header">
      <a href="#/">Models</a> / <strong>{p.modelName}</strong>{' '}
      <span
        className="bw-muted"
        title="Every save moves the working copy's revision on; History lists the versions kept on purpose"
      >
        revision {p.revision} · template {p.templateName}
      </span>
      <span className={`bw-save bw-save-${p.save}`} role="status" aria-live="polite">
        {SAVE_TEXT[p.save]}
      </span>
      <SignOffNotice state={p.signOffs} onShowDiff={p.onShowDiff} />
      {p.threatGeneration && (
        <ThreatGeneration
          stale={p.threatGeneration.stale}
          onRegenerate={p.threatGeneration.onRegenerate}
          onAfterEveryEdit={p.threatGeneration.onAfterEveryEdit}
        />
      )}
      <ReportMenu modelId={p.modelId} />
      <button type="button" aria-pressed={p.historyOpen} onClick={p.onToggleHistory}>
        History
      </button>
      <button
        type="button"
        data-tour="review"
        aria-pressed={p.reviewing}
        title="Walk through the interactions one by one with their threats (keys: arrows, R, Esc)"
        onClick={p.onToggleReview}
      >
        Review mode
      </button>
      {/* While the tour is offered, the offer is its button. */}
      {p.tour.state !== 'offer' && (
        <button type="button" onClick={p.tour.start}>
          Tour
        </button>
      )}
      <button type="button" aria-keyshortcuts="Shift+?" onClick={p.onShortcuts}>
        Shortcuts (?)
      </button>
      <TourOffer state={p.tour.state} setState={p.tour.setState} />
      {readOnly ? (
        <span
          className="bw-readonly"
          title="Your role on this model lets you look, not change: ask an owner for editor rights"
        >
          Read only ({p.role})
        </span>
      ) : (
        p.role === 'reviewer' && (
          <span
            className="bw-readonly"
            title="As a reviewer you triage threats, walk the review and sign off; an editor changes the diagrams"
          >
            Reviewer: triage and review
          </span>
        )
      )}
    </header>
  );
}
