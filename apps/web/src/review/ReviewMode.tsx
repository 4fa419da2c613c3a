/**
 * Review mode, for the meeting: the model's interactions one at a time (diagram by diagram, by
 * source, flow and target names), each highlighted on the diagram with its threats beside it to
 * triage in place. Keys: Right or J next, Left or K previous, R or Space mark reviewed and go on,
 * Escape leaves. Marking is an action (undo, autosave): the progress lives in the model.
 */
import type { InteractionSet, ThreatModel } from '@bulwark/core';
import { useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Action } from '../editor/actions/actions.js';
import { StatusSelect } from '../threats/ThreatControls.js';
import { ThreatDetail } from '../threats/ThreatDetails.js';
import { firstUnreviewed, reviewedCount, reviewedMap, reviewSteps, threatsOfStep } from './reviewSteps.js';

const FIELDS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

export function ReviewMode(props: {
  model: ThreatModel;
  /** The editor's interactions of `model` (computed once per edit). */
  crossing: InteractionSet | undefined;
  names: Map<string, string>;
  categories: Map<string, string>;
  priorities: string[];
  user: string;
  readOnly: boolean;
  onAction: (action: Action) => void;
  /** Shows an interaction: its diagram, with its source, flow and target highlighted. */
  onShow: (diagramId: string, ids: string[]) => void;
  onLeave: () => void;
}) {
  const { model, crossing, onAction, onShow, onLeave, user, readOnly } = props;
  const steps = useMemo(() => reviewSteps(model, crossing), [model, crossing]);
  const reviewed = useMemo(() => reviewedMap(model), [model]);
  const done = reviewedCount(steps, reviewed);
  // The interaction on screen, by key (so an edit that reorders the list keeps it); it starts at
  // the first one not reviewed yet.
  const [currentKey, setCurrentKey] = useState<string | undefined>(() => steps[firstUnreviewed(steps, reviewed)]?.key);
  const found = steps.findIndex((s) => s.key === currentKey);
  const index = found < 0 ? 0 : found;
  const step = steps[index];
  const [openThreat, setOpenThreat] = useState<string | undefined>();
  const flowApi = useReactFlow();

  // Show the interaction: its diagram, highlighted, and the view centred on its two ends.
  const stepKey = step?.key;
  const stepDiagram = step?.diagramId;
  const stepIds = step?.ids.join(' ');
  useEffect(() => {
    if (!stepKey || !stepDiagram || !stepIds) return;
    const ids = stepIds.split(' ');
    onShow(stepDiagram, ids);
    setOpenThreat(undefined);
    const ends = [ids[0], ids[2]].map((id) => ({ id: id as string }));
    const timer = setTimeout(() => flowApi.fitView({ nodes: ends, duration: 250, maxZoom: 1.2, padding: 0.6 }), 80);
    return () => clearTimeout(timer);
  }, [stepKey, stepDiagram, stepIds, onShow, flowApi]);

  const go = useCallback(
    (to: number) => {
      const s = steps[Math.max(0, Math.min(steps.length - 1, to))];
      if (s) setCurrentKey(s.key);
    },
    [steps],
  );
  const mark = useCallback(
    (isReviewed: boolean) => {
      if (!step || readOnly) return;
      onAction({
        type: 'markReviewed',
        interaction: step.key,
        reviewed: isReviewed,
        by: user,
        at: new Date().toISOString(),
      });
    },
    [step, readOnly, onAction, user],
  );
  /** Marks this one reviewed and goes on: to the next, or from the last to the first still open. */
  const markAndNext = useCallback(() => {
    mark(true);
    if (index < steps.length - 1) go(index + 1);
    else {
      const open = steps.findIndex((s) => s.key !== step?.key && !reviewed.has(s.key));
      if (open >= 0) go(open);
    }
  }, [mark, go, index, steps, step, reviewed]);

  // The keys, caught before the canvas sees them (arrow keys would move a selected shape).
  const keys = useRef({ go, markAndNext, index, onLeave });
  keys.current = { go, markAndNext, index, onLeave };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey || (target && (FIELDS.has(target.tagName) || target.isContentEditable)))
        return;
      const k = keys.current;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      // Space on a button presses the button; the threats table keeps its own keys.
      if (key === ' ' && target && ['BUTTON', 'SUMMARY', 'A'].includes(target.tagName)) return;
      if (target?.closest('[role="grid"]')) return;
      const act: Record<string, () => void> = {
        ArrowRight: () => k.go(k.index + 1),
        j: () => k.go(k.index + 1),
        ArrowLeft: () => k.go(k.index - 1),
        k: () => k.go(k.index - 1),
        r: k.markAndNext,
        ' ': k.markAndNext,
        Escape: k.onLeave,
      };
      const run = act[key];
      if (!run) return;
      e.preventDefault();
      e.stopPropagation();
      run();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  const threats = step ? threatsOfStep(model.threats ?? [], step) : [];
  const mine = step ? reviewed.get(step.key) : undefined;
  const total = steps.length;
  return (
    <section className="bw-review" aria-label="Review mode">
      {/* Stays in view while the threats below scroll. */}
      <div className="bw-review-top">
        <header className="bw-review-head">
          <h2>Review mode</h2>
          <button type="button" onClick={onLeave} aria-keyshortcuts="Escape">
            Leave review mode
          </button>
        </header>
        <p className="bw-review-count" aria-live="polite">
          {done} of {total} interactions reviewed
        </p>
        <progress className="bw-review-bar" max={Math.max(total, 1)} value={done} aria-label="Interactions reviewed">
          {done} of {total}
        </progress>
        {total > 0 && done === total && (
          <p className="bw-review-done">
            All {total} interactions reviewed. Sign off when the threats are triaged, or leave review mode.
          </p>
        )}
        {step && (
          <nav className="bw-review-nav" aria-label="Interactions">
            <button type="button" onClick={() => go(index - 1)} disabled={index === 0} aria-keyshortcuts="ArrowLeft K">
              ← Previous
            </button>
            <span aria-live="polite">
              Interaction {index + 1} of {total}
            </span>
            <button
              type="button"
              onClick={() => go(index + 1)}
              disabled={index === total - 1}
              aria-keyshortcuts="ArrowRight J"
            >
              Next →
            </button>
          </nav>
        )}
      </div>
      {!step ? (
        <p>This model has no interactions yet: draw flows between its elements, then review them here.</p>
      ) : (
        <>
          <article className={`bw-review-step${mine ? ' bw-review-step-done' : ''}`} aria-label="Current interaction">
            <p className="bw-muted">Diagram: {step.diagramName}</p>
            <h3>
              {step.source} → {step.target}
            </h3>
            <p>
              via <strong>{step.flow}</strong> ·{' '}
              {step.crossed.length > 0 ? `crosses ${step.crossed.join(', ')}` : 'crosses no trust boundary'}
            </p>
            <p className={mine ? 'bw-review-mark' : 'bw-muted'}>
              {mine
                ? `Reviewed${mine.by ? ` by ${mine.by}` : ''} on ${new Date(mine.at).toLocaleString()}`
                : 'Not reviewed yet'}
            </p>
            <div className="bw-review-buttons">
              <button type="button" onClick={markAndNext} disabled={readOnly} aria-keyshortcuts="R Space">
                {mine ? 'Next (already reviewed)' : 'Mark reviewed and go to next'}
              </button>
              {mine && (
                <button type="button" onClick={() => mark(false)} disabled={readOnly}>
                  Mark not reviewed
                </button>
              )}
            </div>
          </article>
          <h3>Threats on this interaction ({threats.length})</h3>
          {threats.length === 0 && <p className="bw-muted">The template finds no threats here.</p>}
          <ul className="bw-review-threats">
            {threats.map((t) => (
              <li key={t.id}>
                <div className="bw-review-threat">
                  <button
                    type="button"
                    className="bw-link"
                    aria-expanded={openThreat === t.id}
                    onClick={() => setOpenThreat(openThreat === t.id ? undefined : t.id)}
                  >
                    {t.title}
                  </button>
                  <span className="bw-muted">{props.categories.get(t.category) ?? t.category}</span>
                  <StatusSelect
                    threat={t}
                    disabled={readOnly}
                    onChange={(status) =>
                      onAction({ type: 'triage', threatId: t.id, status, by: user, at: new Date().toISOString() })
                    }
                  />
                </div>
                {openThreat === t.id && (
                  <ThreatDetail
                    threat={t}
                    names={props.names}
                    categories={props.categories}
                    priorities={props.priorities}
                    onAction={onAction}
                    user={user}
                    readOnly={readOnly}
                    onClose={() => setOpenThreat(undefined)}
                  />
                )}
              </li>
            ))}
          </ul>
          <p className="bw-muted bw-review-keys">
            Keys: → or J next · ← or K previous · R or Space mark reviewed and go on · Esc leave
          </p>
        </>
      )}
    </section>
  );
}
