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
  interactionSections,
  type ResolvedTemplate,
  resolveTemplate,
  type SignOff,
  type ThreatModel,
} from '@bulwark/core';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { type CSSProperties, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { getMe } from '../api.js';
import { DiffCanvas } from '../review/DiffCanvas.js';
import { HistoryPanel, useHistoryView } from '../review/HistoryPanel.js';
import { ReviewMode } from '../review/ReviewMode.js';
import { type PanelTab, PanelTabs, ReviewPanel, SignOffNotice, useSignOffState } from '../review/ReviewPanel.js';
import { TemplateUpdate } from '../templates/TemplateUpdate.js';
import { templateOfModel } from '../templates/templatesApi.js';
import { ThreatsPanel } from '../threats/ThreatsPanel.js';
import { useThreatsSplit } from '../threats/ThreatsSplit.js';
import { type Action, amend, copyElements, newId } from './actions/actions.js';
import { REANALYZE, replay } from './actions/conflict.js';
import { DiagramCanvas } from './DiagramCanvas.js';
import { DiagramTabs } from './DiagramTabs.js';
import { EmptyCanvasHint } from './EmptyCanvasHint.js';
import { shownSave as saveShown } from './editingSession.js';
import type { EditorHooks } from './editorContext.js';
import { ReportMenu, ThreatGeneration } from './HeaderParts.js';
import { ModelPanel } from './ModelPanel.js';
import { needsLayout } from './modelToFlow.js';
import { Palette, stencilElement } from './Palette.js';
import { PropertiesPanel } from './PropertiesPanel.js';
import { ShortcutsSheet, useShortcutsSheet } from './ShortcutsSheet.js';
import { SkipLink } from './SkipLink.js';
import { Tour, TourOffer, useTour } from './Tour.js';
import { typeClues } from './TypeIcon.js';
import { type Opened, useEditingSession } from './useEditingSession.js';

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
  // What the last Auto-layout did or why it left the diagram (shown while that diagram is open).
  const [layoutNote, setLayoutNote] = useState<{ diagramId: string; text: string } | undefined>();
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
  // The side panel shows the selection's details, or its comments and the sign-off (ReviewPanel).
  const [panelTab, setPanelTab] = useState<PanelTab>('details');
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

  // What the keyboard handler needs of the latest render, and the in-app clipboard.
  const latest = useRef({ diagram, selected, apply, readOnly, designReadOnly });
  latest.current = { diagram, selected, apply, readOnly, designReadOnly };
  const clipboard = useRef<{ elements: Element[]; pastes: number } | undefined>(undefined);

  // Keyboard: undo/redo, copy/paste (Delete is React Flow's).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
      if (latest.current.readOnly) return;
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
        e.preventDefault();
        if (e.shiftKey) redoStep();
        else undoStep();
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'y') {
        e.preventDefault();
        redoStep();
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'c') {
        const { diagram: d, selected: sel } = latest.current;
        if (!d || sel.length === 0) return;
        e.preventDefault();
        // The selection, with the flows between selected elements.
        const picked = new Set(sel);
        clipboard.current = {
          elements: d.elements.filter(
            (el) => picked.has(el.id) || (el.kind === 'dataFlow' && picked.has(el.source) && picked.has(el.target)),
          ),
          pastes: 0,
        };
      } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'v') {
        const { diagram: d } = latest.current;
        if (latest.current.designReadOnly) return;
        const clip = clipboard.current;
        if (!d || !clip || clip.elements.length === 0) return;
        e.preventDefault();
        clip.pastes++;
        const step = 30 * clip.pastes;
        const elements = copyElements(clip.elements, (old) => newId(old.replace(/-[a-z0-9]{8}$/, '')), {
          x: step,
          y: step,
        });
        latest.current.apply({ type: 'paste', diagramId: d.id, elements });
        setSelected(elements.map((el) => el.id));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undoStep, redoStep]);

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

  // Which element (in which diagram) each detail diagram details: the breadcrumb's way back up.
  const parentOf = useMemo(() => {
    const up = new Map<string, { diagramId: string; element: Element }>();
    for (const d of model?.diagrams ?? [])
      for (const e of d.elements)
        if ('childDiagramId' in e && e.childDiagramId) up.set(e.childDiagramId, { diagramId: d.id, element: e });
    return up;
  }, [model]);
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
  // The way up from a detail diagram: each diagram above it and the element it details.
  const trail: { diagramId: string; diagramName: string; elementName: string }[] = [];
  const seen = new Set([diagram.id]);
  for (let up = parentOf.get(diagram.id); up && !seen.has(up.diagramId); up = parentOf.get(up.diagramId)) {
    seen.add(up.diagramId);
    const upId = up.diagramId;
    trail.unshift({
      diagramId: upId,
      diagramName: model.diagrams.find((d) => d.id === upId)?.name ?? upId,
      elementName: displayName(up.element),
    });
  }
  const selectedElement: Element | undefined =
    selected.length === 1 ? diagram.elements.find((e) => e.id === selected[0]) : undefined;
  const sections =
    template && selectedElement && crossing ? interactionSections(model, template, selectedElement.id, crossing) : [];
  const nodeIds = selected.filter((s) =>
    diagram.elements.some((e) => e.id === s && e.kind !== 'dataFlow' && e.kind !== 'trustBoundary'),
  );

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
      <header className="bw-header">
        <a href="#/">Models</a> / <strong>{model.metadata.name}</strong>{' '}
        <span className="bw-muted">
          version {version} · template {template?.template.name ?? model.template.id}
        </span>
        <span className={`bw-save bw-save-${shownSave}`} role="status" aria-live="polite">
          {
            {
              saved: 'Saved',
              saving: 'Saving…',
              unsaved: 'Unsaved changes',
              offline: 'Offline: kept in this browser',
              conflict: 'Conflict',
            }[shownSave]
          }
        </span>
        <SignOffNotice state={signOffs} onShowDiff={showDiff} />
        {onDemand && !readOnly && (
          <ThreatGeneration
            stale={threatsStale}
            onRegenerate={regenerateThreats}
            onAfterEveryEdit={() => {
              autoThreats.current = true;
              setOnDemand(false);
              regenerateThreats();
            }}
          />
        )}
        <ReportMenu modelId={id} />
        <button
          type="button"
          aria-pressed={historyView.open}
          onClick={() => {
            if (historyView.open) historyView.close();
            else {
              leaveReview();
              historyView.openPanel();
            }
          }}
        >
          History
        </button>
        <button
          type="button"
          data-tour="review"
          aria-pressed={reviewing}
          title="Walk through the interactions one by one with their threats (keys: arrows, R, Esc)"
          onClick={() => {
            if (reviewing) leaveReview();
            else {
              historyView.close();
              setReviewing(true);
            }
          }}
        >
          Review mode
        </button>
        <button type="button" onClick={tour.start}>
          Tour
        </button>
        <button type="button" aria-keyshortcuts="Shift+?" onClick={shortcuts.show}>
          Shortcuts (?)
        </button>
        <TourOffer state={tour.state} setState={tour.setState} />
        {readOnly ? (
          <span
            className="bw-readonly"
            title="Your role on this model lets you look, not change: ask an owner for editor rights"
          >
            Read only ({role})
          </span>
        ) : (
          <span className="bw-actions">
            {designReadOnly && (
              <span
                className="bw-readonly"
                title="As a reviewer you triage threats, walk the review and sign off; an editor changes the diagrams"
              >
                Reviewer: triage and review
              </span>
            )}
            <button type="button" onClick={undoStep} disabled={history.past.length === 0}>
              Undo
            </button>
            <button type="button" onClick={redoStep} disabled={history.future.length === 0}>
              Redo
            </button>
            {!designReadOnly && (
              <>
                <button
                  type="button"
                  title="Lay the diagram out left to right along its flows, kept only when it is better: fewer flows through shapes, overlaps and crossings (undo puts it back)"
                  disabled={!diagram.elements.some((e) => e.kind !== 'dataFlow')}
                  onClick={async () => {
                    // elkjs is large: it loads the first time it is used.
                    const { planLayout } = await import('./layout.js');
                    const plan = await planLayout(diagram);
                    setLayoutNote({ diagramId: diagram.id, text: plan.message });
                    if (!plan.apply) return;
                    apply({ type: 'layout', diagramId: diagram.id, ...plan.layout });
                    setTimeout(() => flowApi.fitView({ duration: 300 }), 60);
                  }}
                >
                  Auto-layout
                </button>
                <span className="bw-muted bw-layout-note" aria-live="polite">
                  {layoutNote?.diagramId === diagram.id ? layoutNote.text : ''}
                </span>
                <button
                  type="button"
                  disabled={nodeIds.length !== 2}
                  onClick={() => connect(nodeIds[0] as string, nodeIds[1] as string)}
                >
                  Connect selected
                </button>
                <button
                  type="button"
                  disabled={selected.length === 0}
                  onClick={() => {
                    apply({ type: 'delete', diagramId: diagram.id, ids: selected });
                    setSelected([]);
                  }}
                >
                  Delete
                </button>
              </>
            )}
          </span>
        )}
      </header>
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
        <div role="alertdialog" aria-label="Conflict" className="bw-conflict">
          <p>
            Someone else saved this model (now version {conflict.version}) while you were editing. Your changes are kept
            here and were not saved.
          </p>
          {conflict.changes.length > 0 && (
            <ul aria-label="What they changed">
              {conflict.changes.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          )}
          {conflict.theirs && conflict.actions && (
            <button
              type="button"
              onClick={() =>
                dispatch({ type: 'reapplyMine', follow: (theirs, actions) => replay(theirs, actions, template) })
              }
            >
              Re-apply my {conflict.actions.length} edit{conflict.actions.length === 1 ? '' : 's'} on their version
            </button>
          )}
          {conflict.theirs && (
            <button type="button" onClick={takeTheirs}>
              Load their version (drop mine)
            </button>
          )}
          <button type="button" onClick={() => dispatch({ type: 'keepMine' })}>
            Save mine over theirs
          </button>
        </div>
      )}
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
            {trail.length > 0 && (
              <nav className="bw-breadcrumb" aria-label="Breadcrumb">
                {trail.map((step) => (
                  <span key={step.diagramId}>
                    <button type="button" onClick={() => openDiagram(step.diagramId)}>
                      {step.diagramName}
                    </button>
                    <span aria-hidden="true"> › </span>
                    <span className="bw-muted">{step.elementName}</span>
                    <span aria-hidden="true"> › </span>
                  </span>
                ))}
                <strong aria-current="page">{diagram.name}</strong>
              </nav>
            )}
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
      <aside className="bw-panel" aria-label="Selection">
        {!historyView.open && !reviewing && <PanelTabs tab={panelTab} onTab={setPanelTab} />}
        {historyView.open ? (
          <HistoryPanel
            modelId={id}
            current={model}
            version={version}
            view={historyView}
            canSave={!designReadOnly}
            allSaved={saveState === 'saved'}
          />
        ) : reviewing ? (
          <ReviewMode
            model={model}
            crossing={crossing}
            names={names}
            categories={categories}
            priorities={template?.template.priorities ?? ['High', 'Medium', 'Low']}
            user={user}
            readOnly={readOnly}
            onAction={apply}
            onShow={showReviewStep}
            onLeave={leaveReview}
          />
        ) : panelTab === 'review' ? (
          <ReviewPanel
            modelId={id}
            model={model}
            version={version}
            saved={shownSave === 'saved' && !session.unsent}
            onStore={session.unsent && shownSave === 'saved' && !readOnly ? store : undefined}
            user={user}
            role={role}
            selectedElement={selectedElement?.id}
            selectedThreat={selectedThreat}
            signOffs={signOffs}
            onSignedOff={adoptSignOff}
            onShowDiff={showDiff}
          />
        ) : selectedElement && template ? (
          <PropertiesPanel
            element={selectedElement}
            template={template}
            crosses={(crossing?.flows.find((f) => f.flow.id === selectedElement.id)?.crossed.length ?? 0) > 0}
            threats={{ threats: model.threats ?? [], names, onSelectThreat: setSelectedThreat }}
            sections={sections}
            readOnly={designReadOnly}
            detail={
              'childDiagramId' in selectedElement && selectedElement.childDiagramId
                ? {
                    id: selectedElement.childDiagramId,
                    name:
                      model.diagrams.find((d) => d.id === selectedElement.childDiagramId)?.name ??
                      selectedElement.childDiagramId,
                  }
                : undefined
            }
            onOpenDiagram={openDiagram}
            onAction={(a) => {
              apply({ ...a, diagramId: diagram.id } as Action);
              // The new detail diagram comes last: show it.
              if (a.type === 'addChildDiagram') {
                setDiagramIndex(model.diagrams.length);
                setSelected([]);
              }
            }}
          />
        ) : (
          <ModelPanel model={model} onAction={apply} readOnly={designReadOnly} user={user} />
        )}
      </aside>
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
