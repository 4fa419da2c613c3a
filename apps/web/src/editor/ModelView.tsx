/**
 * A model in the editor: diagrams as tabs, a stencil palette from the template, the canvas
 * (drag stencils in, move, connect, delete), the properties of the selection with its
 * interactions table, and the threats (regenerated as the diagram changes, triaged in place).
 * Every edit is an action on the model (undo/redo), saved to the server with its version.
 */
import {
  analyze,
  computeInteractions,
  displayName,
  type Element,
  type ResolvedTemplate,
  resolveTemplate,
  type SignOff,
  type ThreatModel,
} from '@bulwark/core';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { type CSSProperties, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { getMe } from '../api.js';
import { DiffCanvas } from '../review/DiffCanvas.js';
import { useHistoryView } from '../review/HistoryPanel.js';
import { useSignOffState } from '../review/ReviewPanel.js';
import { TemplateUpdate } from '../templates/TemplateUpdate.js';
import { templateOfModel } from '../templates/templatesApi.js';
import { ThreatsPanel } from '../threats/ThreatsPanel.js';
import { useThreatsSplit } from '../threats/ThreatsSplit.js';
import { type Action, amend, newId } from './actions/actions.js';
import { REANALYZE, replay } from './actions/conflict.js';
import { Breadcrumb } from './Breadcrumb.js';
import { ConflictDialog } from './ConflictDialog.js';
import { DesignActions } from './DesignActions.js';
import { DiagramCanvas } from './DiagramCanvas.js';
import { DiagramTabs } from './DiagramTabs.js';
import { EditorHeader } from './EditorHeader.js';
import { EmptyCanvasHint } from './EmptyCanvasHint.js';
import { shownSave as saveShown } from './editingSession.js';
import type { EditorHooks } from './editorContext.js';
import { needsLayout } from './modelToFlow.js';
import { Palette, stencilElement } from './Palette.js';
import { ShortcutsSheet, useShortcutsSheet } from './ShortcutsSheet.js';
import { SidePanel } from './SidePanel.js';
import { SkipLink } from './SkipLink.js';
import { Tour, useTour } from './Tour.js';
import { typeClues } from './TypeIcon.js';
import { type Opened, useEditingSession } from './useEditingSession.js';
import { type EditKeysState, useEditKeys } from './useEditKeys.js';

/** An analysis slower than this (ms) makes the editor regenerate threats on demand instead of on every edit. */
const SLOW_ANALYSIS_MS = 400;

/** Runs the analysis; one that takes too long switches the editor to threats on demand. */
function timedAnalysis(m: ThreatModel, t: ResolvedTemplate, auto: { current: boolean }): ThreatModel {
  const started = performance.now();
  const result = analyze(m, t).model;
  if (performance.now() - started > SLOW_ANALYSIS_MS) auto.current = false;
  return result;
}

export function ModelView({ id }: { id: string }) {
  return (
    <ReactFlowProvider>
      <Editor id={id} />
    </ReactFlowProvider>
  );
}

function Editor({ id }: { id: string }) {
  const split = useThreatsSplit();
  const [template, setTemplate] = useState<ResolvedTemplate | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [diagramIndex, setDiagramIndex] = useState(0);
  const [selected, setSelected] = useState<string[]>([]);
  const [selectedThreat, setSelectedThreat] = useState<string | undefined>();
  const [user, setUser] = useState('local user');
  // The caller's role on the model: a viewer sees everything and changes nothing.
  const [role, setRole] = useState<string>('owner');
  const readOnly = role === 'viewer';
  // Reviewers triage threats, walk the review and sign off; the diagrams and model details are an editor's.
  const designReadOnly = readOnly || role === 'reviewer';
  // Fit the view to a diagram that has something to show; an empty one stays at 100% as it fills.
  const [fitOnOpen, setFitOnOpen] = useState(false);
  // Threats regenerate after every diagram edit, unless the analysis is too slow for that on this
  // model: then they regenerate on demand (a button), and the panel says they may be out of date.
  const autoThreats = useRef(true);
  const [onDemand, setOnDemand] = useState(false);
  const [threatsStale, setThreatsStale] = useState(false);
  const flowApi = useReactFlow();
  // History with its diff (HistoryPanel, DiffCanvas) and review mode (ReviewMode): one at a time.
  const historyView = useHistoryView();
  const [reviewing, setReviewing] = useState(false);
  const [reviewFocus, setReviewFocus] = useState<string[] | undefined>();
  // First use: the "?" shortcuts sheet, and the tour (offered on the example model).
  const shortcuts = useShortcutsSheet();

  // Who makes the changes (team mode: the signed-in account).
  useEffect(() => {
    getMe().then(
      (me) => setUser(me.user.name),
      () => undefined,
    );
  }, []);

  // What opening shows: the stored model, threats brought up to date (triage kept by the merge).
  // Opening never writes: the session takes this as saved, and it goes with the first edit.
  const prepare = useCallback(async ({ model: stored, role: r }: Opened) => {
    setRole(r);
    const t = await templateOfModel(stored.template).catch(() => undefined);
    const resolved = t ? resolveTemplate(t) : undefined;
    if (resolved?.ok) setTemplate(resolved.value);
    setFitOnOpen((stored.diagrams[0]?.elements.length ?? 0) > 0);
    const current = resolved?.ok ? timedAnalysis(stored, resolved.value, autoThreats) : stored;
    const changed = JSON.stringify(current.threats ?? []) !== JSON.stringify(stored.threats ?? []);
    return changed ? current : stored;
  }, []);
  // The session: load, local draft, autosave with the revision, conflict (editingSession.ts).
  const { session, dispatch, takeTheirs, store } = useEditingSession(id, { readOnly, prepare, onError: setError });
  const { history, version, conflict } = session;
  const saveState = session.save;
  const tour = useTour(history?.present);

  const model = history?.present;
  // Undo can take away the diagram on screen: show the last one there is.
  const diagram = model?.diagrams[Math.min(diagramIndex, (model?.diagrams.length ?? 1) - 1)];

  /** Applies an edit; diagram edits regenerate the threats (triage is kept by the merge). */
  const apply = useCallback(
    (action: Action) => {
      const regenerate = template !== undefined && REANALYZE.has(action.type);
      if (regenerate && !autoThreats.current) setThreatsStale(true);
      dispatch({
        type: 'edit',
        action,
        ...(template && regenerate && autoThreats.current
          ? { follow: (m: ThreatModel) => timedAnalysis(m, template, autoThreats) }
          : {}),
      });
    },
    [template, dispatch],
  );
  // Mirror the ref into state after each change, so the header shows the mode.
  useEffect(() => {
    if (history && !autoThreats.current && onDemand === false) setOnDemand(true);
  }, [history, onDemand]);
  const regenerateThreats = () => {
    if (!template) return;
    dispatch({ type: 'amend', change: (h) => amend(h, analyze(h.present, template).model) });
    setThreatsStale(false);
  };

  const modelRef = useRef(model);
  modelRef.current = model;

  const undoStep = useCallback(() => dispatch({ type: 'undo' }), [dispatch]);
  const redoStep = useCallback(() => dispatch({ type: 'redo' }), [dispatch]);
  // Undo/redo and copy/paste from the keyboard, with what they need of the latest render.
  const latest = useRef<EditKeysState>({ diagram, selected, apply, readOnly, designReadOnly });
  latest.current = { diagram, selected, apply, readOnly, designReadOnly };
  useEditKeys(latest, undoStep, redoStep, setSelected);

  // The selected threat's interaction (its two elements and the flow) or element, highlighted.
  const highlighted = useMemo(() => {
    // Review mode highlights the interaction being reviewed.
    if (reviewing && reviewFocus) return new Set(reviewFocus);
    const t = model?.threats?.find((x) => x.id === selectedThreat);
    if (!t) return new Set<string>();
    return new Set(
      t.interaction ? [t.interaction.sourceId, t.interaction.flowId, t.interaction.targetId] : [t.elementId ?? ''],
    );
  }, [model, selectedThreat, reviewing, reviewFocus]);
  const categories = useMemo(
    () => new Map((template?.template.categories ?? []).map((c) => [c.id, c.name] as const)),
    [template],
  );
  const crossing = useMemo(() => (model ? computeInteractions(model) : undefined), [model]);
  const names = useMemo(
    () => new Map((model?.diagrams ?? []).flatMap((d) => d.elements.map((e) => [e.id, displayName(e)] as const))),
    [model],
  );

  // The shapes' hooks stay the same objects across edits (a new one would redraw every shape).
  const openDiagram = useCallback(
    (diagramId: string) => {
      const i = modelRef.current?.diagrams.findIndex((d) => d.id === diagramId) ?? -1;
      if (i < 0) return;
      setDiagramIndex(i);
      setSelected([]);
      setTimeout(() => flowApi.fitView({ duration: 200, maxZoom: 1 }), 60);
    },
    [flowApi],
  );
  /** Shows the diff from a saved version to another one, or to the model on screen (e.g. since a sign-off). */
  const showDiff = useCallback(
    (fromVersion: number, toVersion?: number) => {
      setReviewing(false);
      historyView.showDiff(fromVersion, toVersion);
    },
    [historyView.showDiff],
  );
  /** Review mode's current interaction: its diagram shown, its elements highlighted. */
  const showReviewStep = useCallback((diagramId: string, ids: string[]) => {
    const i = modelRef.current?.diagrams.findIndex((d) => d.id === diagramId) ?? -1;
    if (i >= 0) setDiagramIndex(i);
    setSelected([]);
    setReviewFocus(ids);
  }, []);
  const leaveReview = useCallback(() => {
    setReviewing(false);
    setReviewFocus(undefined);
  }, []);
  // Where the model stands with its sign-offs; a sign-off the server stored comes into every undo step.
  const signOffs = useSignOffState(model);
  const adoptSignOff = useCallback(
    (v: number, signOff: SignOff) => dispatch({ type: 'signedOff', version: v, signOff }),
    [dispatch],
  );
  const diagramNamesKey = JSON.stringify((model?.diagrams ?? []).map((d) => [d.id, d.name]));
  const diagramNames = useMemo(() => new Map(JSON.parse(diagramNamesKey) as [string, string][]), [diagramNamesKey]);
  const diagramId = diagram?.id ?? '';
  const hooks = useMemo<EditorHooks>(
    () => ({
      readOnly: designReadOnly,
      resize: (elementId, rect) => apply({ type: 'resize', diagramId, id: elementId, rect }),
      setPath: (elementId, path) => apply({ type: 'setPath', diagramId, id: elementId, path }),
      reconnect: (elementId, end, to) => apply({ type: 'reconnect', diagramId, id: elementId, end, to }),
      openDiagram,
      diagramNames,
      toDiagram: (p) => flowApi.screenToFlowPosition(p),
      typeClues: (typeId) => typeClues(template, typeId),
    }),
    [designReadOnly, apply, diagramId, openDiagram, diagramNames, flowApi, template],
  );

  // A diagram whose shapes were never placed (a model written as code) is laid out when it is
  // first shown: part of opening it if nothing was edited yet (saved with the first edit), else
  // one undoable step.
  const laidOut = useRef(new Set<string>());
  useEffect(() => {
    if (!diagram || laidOut.current.has(diagram.id) || !needsLayout(diagram)) return;
    laidOut.current.add(diagram.id);
    import('./layout.js').then(async ({ planLayout }) => {
      const { layout } = await planLayout(diagram);
      const action: Action = { type: 'layout', diagramId: diagram.id, ...layout };
      dispatch({
        type: 'placed',
        action,
        ...(template && autoThreats.current
          ? { follow: (m: ThreatModel) => timedAnalysis(m, template, autoThreats) }
          : {}),
      });
      setTimeout(() => flowApi.fitView({ duration: 0 }), 60);
    });
  }, [diagram, dispatch, flowApi, template]);

  if (error)
    return (
      <p role="alert" className="bw-error">
        {error}
      </p>
    );
  if (!model || !diagram || !history) return <p className="bw-page">Loading…</p>;

  // An edit shows as unsaved in the very render that makes it (the autosave effect runs after).
  const shownSave = readOnly ? saveState : saveShown(session);
  const selectedElement: Element | undefined =
    selected.length === 1 ? diagram.elements.find((e) => e.id === selected[0]) : undefined;
  const add = (typeId: string, at: { x: number; y: number }) => {
    if (!template) return;
    const element = stencilElement(template, typeId, newId('el'), at);
    if (element) {
      apply({ type: 'add', diagramId: diagram.id, element });
      setSelected([element.id]);
    }
  };
  const addAtCentre = (typeId: string) => {
    const box = document.querySelector('.bw-canvas')?.getBoundingClientRect();
    add(
      typeId,
      flowApi.screenToFlowPosition(box ? { x: box.x + box.width / 2, y: box.y + box.height / 2 } : { x: 0, y: 0 }),
    );
  };
  const connect = (source: string, target: string) => {
    const flowId = newId('flow');
    apply({ type: 'connect', diagramId: diagram.id, id: flowId, source, target, typeId: 'GE.DF', name: 'Data flow' });
    setSelected([flowId]);
  };

  return (
    <div
      className={`bw-editor${designReadOnly ? ' bw-editor-readonly' : ''}${split.analysis ? ' bw-editor-analysis' : ''}`}
      style={{ '--bw-threats-h': `${split.height}px` } as CSSProperties}
    >
      <SkipLink target="bw-diagram" label="Skip to diagram" />
      <EditorHeader
        modelId={id}
        modelName={model.metadata.name}
        revision={version}
        templateName={template?.template.name ?? model.template.id}
        save={shownSave}
        signOffs={signOffs}
        onShowDiff={showDiff}
        threatGeneration={
          onDemand && !readOnly
            ? {
                stale: threatsStale,
                onRegenerate: regenerateThreats,
                onAfterEveryEdit: () => {
                  autoThreats.current = true;
                  setOnDemand(false);
                  regenerateThreats();
                },
              }
            : undefined
        }
        historyOpen={historyView.open}
        onToggleHistory={() => {
          if (historyView.open) historyView.close();
          else {
            leaveReview();
            historyView.openPanel();
          }
        }}
        reviewing={reviewing}
        onToggleReview={() => {
          if (reviewing) leaveReview();
          else {
            historyView.close();
            setReviewing(true);
          }
        }}
        tour={tour}
        onShortcuts={shortcuts.show}
        role={role}
      />
      {template && (
        <TemplateUpdate
          model={model}
          template={template}
          readOnly={designReadOnly || conflict !== undefined}
          onTemplate={setTemplate}
          onApply={(t) => {
            setTemplate(t);
            // The model moves to that version, its threats generated again: one undoable edit.
            dispatch({
              type: 'edit',
              action: { type: 'setTemplate', template: { ...model.template, version: t.template.version } },
              follow: (m) => analyze(m, t).model,
            });
          }}
        />
      )}
      {conflict && (
        <ConflictDialog
          conflict={conflict}
          onReapply={() =>
            dispatch({ type: 'reapplyMine', follow: (theirs, actions) => replay(theirs, actions, template) })
          }
          onTakeTheirs={takeTheirs}
          onKeepMine={() => dispatch({ type: 'keepMine' })}
        />
      )}
      <div className="bw-diagram-bar">
        <DiagramTabs
          diagrams={model.diagrams}
          current={diagram.id}
          readOnly={designReadOnly}
          apply={apply}
          onOpen={(i) => {
            setDiagramIndex(i);
            setSelected([]);
          }}
        />
        {!readOnly && (
          <fieldset className="bw-tools" aria-label="Diagram tools">
            <DesignActions
              diagram={diagram}
              selected={selected}
              canUndo={history.past.length > 0}
              canRedo={history.future.length > 0}
              onUndo={undoStep}
              onRedo={redoStep}
              canDesign={!designReadOnly}
              apply={apply}
              connect={connect}
              setSelected={setSelected}
              fit={() => flowApi.fitView({ duration: 300 })}
            />
          </fieldset>
        )}
      </div>
      {template && !designReadOnly && <Palette template={template} onAdd={addAtCentre} />}
      <DiagramCanvas
        diagram={diagram}
        selected={selected}
        setSelected={setSelected}
        highlighted={highlighted}
        apply={apply}
        onDropStencil={add}
        connect={connect}
        openDiagram={openDiagram}
        readOnly={designReadOnly}
        hooks={hooks}
        fitOnOpen={fitOnOpen}
        overlays={
          <>
            <Breadcrumb model={model} diagram={diagram} onOpen={openDiagram} />
            {historyView.comparison && (
              <DiffCanvas
                comparison={historyView.comparison}
                diagramId={diagram.id}
                focus={historyView.focus}
                onLeave={historyView.leaveDiff}
              />
            )}
          </>
        }
      >
        {diagram.elements.length === 0 && !historyView.comparison && (
          <EmptyCanvasHint readOnly={designReadOnly} onShortcuts={shortcuts.show} />
        )}
      </DiagramCanvas>
      <SidePanel
        modelId={id}
        model={model}
        diagram={diagram}
        revision={version}
        template={template}
        crossing={crossing}
        names={names}
        categories={categories}
        user={user}
        role={role}
        history={historyView}
        review={{ on: reviewing, onShow: showReviewStep, onLeave: leaveReview }}
        save={{ shown: shownSave, state: saveState, unsent: session.unsent === true, store }}
        selectedElement={selectedElement}
        selectedThreat={selectedThreat}
        onSelectThreat={setSelectedThreat}
        signOffs={signOffs}
        onSignedOff={adoptSignOff}
        onShowDiff={showDiff}
        apply={apply}
        onOpenDiagram={openDiagram}
        onDetailAdded={() => {
          setDiagramIndex(model.diagrams.length);
          setSelected([]);
        }}
      />
      <ThreatsPanel
        threats={model.threats ?? []}
        names={names}
        categories={categories}
        priorities={template?.template.priorities ?? ['High', 'Medium', 'Low']}
        selectedThreat={selectedThreat}
        onSelectThreat={setSelectedThreat}
        selectedElement={selectedElement?.id}
        onAction={apply}
        user={user}
        readOnly={readOnly}
        split={split}
      />
      <Tour state={tour.state} setState={tour.setState} />
      <ShortcutsSheet open={shortcuts.open} onClose={shortcuts.close} />
    </div>
  );
}
