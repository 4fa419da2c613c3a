/**
 * The editor's tour (steps in tourSteps.ts): a small card in the corner of the canvas that walks
 * draw, analyse, triage, report and review, outlining the part of the editor each step is about.
 * Offered in the header on the example model (tourSteps' offerTour; `TourOffer`), and run from the
 * header's Tour button on any model. Back/Next/Done; Close or Escape puts it away for now; "Don't
 * show again" (or finishing it) stops the offer, remembered in localStorage.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { offerTour, stepTo, TOUR_KEY, TOUR_STEPS } from './tourSteps.js';

/** What localStorage holds for the tour (nothing when storage is unavailable). */
function stored(): string | null {
  try {
    return localStorage.getItem(TOUR_KEY);
  } catch {
    return null;
  }
}
function turnOff(): void {
  try {
    localStorage.setItem(TOUR_KEY, 'off');
  } catch {
    // Private mode or full: the offer comes back next time, nothing worse.
  }
}

/** Closes the tour and stops offering it (finished, or "Don't show again"). */
function stopOffering(setState: (s: TourState) => void): void {
  turnOff();
  setState('closed');
}

/** Where the tour is: not shown, offered (the first card), or at a step (an index of TOUR_STEPS). */
export type TourState = 'closed' | 'offer' | number;

export function useTour(model: { metadata: { name: string }; template: { id: string } } | undefined): {
  state: TourState;
  start: () => void;
  setState: (s: TourState) => void;
} {
  const [state, setState] = useState<TourState>('closed');
  const offered = useRef(false);
  useEffect(() => {
    if (!model || offered.current) return;
    offered.current = true;
    if (offerTour(model, stored())) setState('offer');
  }, [model]);
  const start = useCallback(() => setState(0), []);
  return { state, start, setState };
}

export function Tour({ state, setState }: { state: TourState; setState: (s: TourState) => void }) {
  const titleId = useId();
  const card = useRef<HTMLElement>(null);
  const index = typeof state === 'number' ? state : -1;
  const step = TOUR_STEPS[index];
  const close = useCallback(() => setState('closed'), [setState]);

  // Escape puts the tour away (a dialog open over it keeps its own Escape).
  useEffect(() => {
    if (state === 'closed') return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || document.querySelector('dialog[open]')) return;
      close();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [state, close]);

  // The parts of the editor the step is about are outlined while it shows.
  useEffect(() => {
    if (!step) return;
    const lit = step.targets.flatMap((t) => [...document.querySelectorAll<HTMLElement>(t)]);
    for (const el of lit) el.classList.add('bw-tour-target');
    lit[0]?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
    return () => {
      for (const el of lit) el.classList.remove('bw-tour-target');
    };
  }, [step]);

  // Once started, the card takes focus (its heading), so a screen reader reads it and the keyboard
  // walks it from there.
  const started = index >= 0;
  useEffect(() => {
    if (started) card.current?.querySelector<HTMLElement>('h2')?.focus();
  }, [started]);

  if (!step) return null;
  const back = stepTo(index, -1);
  const next = stepTo(index, 1);
  return (
    <section ref={card} className="bw-tour" aria-labelledby={titleId}>
      <div className="bw-tour-head">
        <h2 id={titleId} tabIndex={-1}>
          <span className="bw-tour-count">
            Step {index + 1} of {TOUR_STEPS.length}:
          </span>{' '}
          {step.title}
        </h2>
        <button type="button" className="bw-tour-close" aria-label="Close the tour" onClick={close}>
          ×
        </button>
      </div>
      <p aria-live="polite">{step.text}</p>
      <div className="bw-tour-buttons">
        <button type="button" disabled={back === undefined} onClick={() => setState(back ?? 0)}>
          Back
        </button>
        {next !== undefined ? (
          <button type="button" className="bw-primary" onClick={() => setState(next)}>
            Next
          </button>
        ) : (
          <button type="button" className="bw-primary" onClick={() => stopOffering(setState)}>
            Done
          </button>
        )}
        <button type="button" className="bw-link bw-tour-off" onClick={() => stopOffering(setState)}>
          Don’t show again
        </button>
      </div>
    </section>
  );
}

/**
 * The offer, in the header beside the Tour button (not over the canvas, where it would hide
 * shapes): start, not now, or don't show again. It never takes focus.
 */
export function TourOffer({ state, setState }: { state: TourState; setState: (s: TourState) => void }) {
  if (state !== 'offer') return null;
  return (
    <fieldset className="bw-tour-offer" aria-label="Tour of the example model">
      <span>New here?</span>
      <button type="button" className="bw-primary" onClick={() => setState(0)}>
        Take the tour
      </button>
      <button type="button" onClick={() => setState('closed')}>
        Not now
      </button>
      <button type="button" className="bw-link bw-tour-off" onClick={() => stopOffering(setState)}>
        Don’t show again
      </button>
    </fieldset>
  );
}
