/**
 * The editor's tour, as data: five steps through the way a threat model is made (draw, analyse,
 * triage, report, review), each naming the part of the editor it is about by a CSS selector, and
 * when the tour is offered without being asked for. Tour.tsx shows it; the words are our own.
 *
 * The tour is offered on the example model, the one `npm start` seeds from
 * examples/infrastructure.bulwark.json: a model named "Infrastructure" on the infrastructure
 * template (the model format has no field that marks an example). On any model it runs from the
 * header's Tour button.
 */

export type TourStepId = 'draw' | 'analyse' | 'triage' | 'report' | 'review';

export interface TourStep {
  id: TourStepId;
  title: string;
  text: string;
  /** The parts of the editor the step is about (outlined while it shows); the first that exists is scrolled into view. */
  targets: readonly string[];
}

export const TOUR_STEPS: readonly TourStep[] = [
  {
    id: 'draw',
    title: 'Draw the system',
    text: 'Put the parts of your system on the canvas from the stencils on the left: processes, data stores, external entities. Connect them with data flows from the dots on their edges, and draw trust boundaries around what trusts each other.',
    targets: ['.bw-palette', '.bw-canvas'],
  },
  {
    id: 'analyse',
    title: 'Analyse',
    text: "Each flow between two elements is an interaction. The model's template turns every interaction into the STRIDE threats that fit it, listed below, and updates them as you draw.",
    targets: ['.bw-threats-panel'],
  },
  {
    id: 'triage',
    title: 'Triage',
    text: 'Go through the threats: give each a status and a priority, and say why (the justification) or how it is handled (mitigations). With the list focused, j/k move, 1–4 set the status and h/m/l the priority.',
    targets: ['.bw-threat-grid', '.bw-triage-hint'],
  },
  {
    id: 'report',
    title: 'Report',
    text: 'Report gives the saved model as a document to share: HTML, PDF or Markdown with the diagrams and threats, or the threats alone as CSV or SARIF.',
    targets: ['.bw-report-menu'],
  },
  {
    id: 'review',
    title: 'Review',
    text: 'Review mode walks the interactions one at a time with their threats, for a review meeting. Comments and the reviewer’s sign-off are in the side panel’s Comments & sign-off tab.',
    targets: ['[data-tour="review"]', '.bw-panel-tabs'],
  },
];

/** localStorage key: "off" once the user asked not to see the tour again or finished it. */
export const TOUR_KEY = 'bulwark.tour';

/** Whether a model is the example the tour is offered on. */
export function isExampleModel(model: { metadata: { name: string }; template: { id: string } }): boolean {
  return model.metadata.name === 'Infrastructure' && model.template.id === 'infrastructure';
}

/** Whether to offer the tour on opening a model, given what localStorage holds under TOUR_KEY. */
export function offerTour(
  model: { metadata: { name: string }; template: { id: string } },
  stored: string | null,
): boolean {
  return stored !== 'off' && isExampleModel(model);
}

/** The step after (+1) or before (-1) step `index`, or undefined past either end. */
export function stepTo(index: number, by: 1 | -1): number | undefined {
  const to = index + by;
  return to >= 0 && to < TOUR_STEPS.length ? to : undefined;
}
