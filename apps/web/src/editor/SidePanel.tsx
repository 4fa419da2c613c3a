/**
 * The editor's side panel, beside the canvas: what is selected (a shape or flow with its
 * properties, interactions and threats; with nothing selected, the model), or its review tab
 * (comments and sign-off); History and Review mode take it over while they are on.
 */
import {
  type Diagram,
  type Element,
  type InteractionSet,
  interactionSections,
  type ResolvedTemplate,
  type SignOff,
  type ThreatModel,
} from '@bulwark/core';
import type { SignOffState } from '@bulwark/report';
import { useState } from 'react';
import { HistoryPanel, type HistoryView } from '../review/HistoryPanel.js';
import { ReviewMode } from '../review/ReviewMode.js';
import { type PanelTab, PanelTabs, ReviewPanel } from '../review/ReviewPanel.js';
import type { Action } from './actions/actions.js';
import type { SaveState } from './editingSession.js';
import { ModelPanel } from './ModelPanel.js';
import { PropertiesPanel } from './PropertiesPanel.js';

export interface SidePanelProps {
  modelId: string;
  model: ThreatModel;
  diagram: Diagram;
  /** The working copy's revision. */
  revision: number;
  template: ResolvedTemplate | undefined;
  crossing: InteractionSet | undefined;
  /** Element names by id; threat category names by id. */
  names: Map<string, string>;
  categories: Map<string, string>;
  user: string;
  role: string;
  history: HistoryView;
  review: {
    on: boolean;
    /** Review mode's current interaction: its diagram and the ids to highlight. */
    onShow: (diagramId: string, ids: string[]) => void;
    onLeave: () => void;
  };
  save: {
    /** What the header shows. */
    shown: SaveState;
    /** Where the autosave stands. */
    state: SaveState;
    /** What opening showed is not stored yet (threats brought up to date, a first layout). */
    unsent: boolean;
    /** Stores it (one save). */
    store: () => void;
  };
  selectedElement: Element | undefined;
  selectedThreat: string | undefined;
  onSelectThreat: (id: string | undefined) => void;
  signOffs: SignOffState;
  onSignedOff: (version: number, signOff: SignOff) => void;
  onShowDiff: (fromVersion: number, toVersion?: number) => void;
  apply: (action: Action) => void;
  onOpenDiagram: (diagramId: string) => void;
  /** A detail diagram was just added (it comes last): show it. */
  onDetailAdded: () => void;
}

export function SidePanel(p: SidePanelProps) {
  const [tab, setTab] = useState<PanelTab>('details');
  const readOnly = p.role === 'viewer';
  const designReadOnly = readOnly || p.role === 'reviewer';
  const priorities = p.template?.template.priorities ?? ['High', 'Medium', 'Low'];
  return (
    <aside className="bw-panel" aria-label="Selection">
      {!p.history.open && !p.review.on && <PanelTabs tab={tab} onTab={setTab} />}
      {p.history.open ? (
        <HistoryPanel
          modelId={p.modelId}
          current={p.model}
          version={p.revision}
          view={p.history}
          canSave={!designReadOnly}
          allSaved={p.save.state === 'saved'}
        />
      ) : p.review.on ? (
        <ReviewMode
          model={p.model}
          crossing={p.crossing}
          names={p.names}
          categories={p.categories}
          priorities={priorities}
          user={p.user}
          readOnly={readOnly}
          onAction={p.apply}
          onShow={p.review.onShow}
          onLeave={p.review.onLeave}
        />
      ) : tab === 'review' ? (
        <ReviewPanel
          modelId={p.modelId}
          model={p.model}
          version={p.revision}
          saved={p.save.shown === 'saved' && !p.save.unsent}
          onStore={p.save.unsent && p.save.shown === 'saved' && !readOnly ? p.save.store : undefined}
          user={p.user}
          role={p.role}
          selectedElement={p.selectedElement?.id}
          selectedThreat={p.selectedThreat}
          signOffs={p.signOffs}
          onSignedOff={p.onSignedOff}
          onShowDiff={p.onShowDiff}
        />
      ) : p.selectedElement && p.template ? (
        <Selection {...p} element={p.selectedElement} template={p.template} designReadOnly={designReadOnly} />
      ) : (
        <ModelPanel model={p.model} onAction={p.apply} readOnly={designReadOnly} user={p.user} />
      )}
    </aside>
  );
}

/** A selected shape or flow: its properties, interactions and threats, and its detail diagram. */
function Selection(p: SidePanelProps & { element: Element; template: ResolvedTemplate; designReadOnly: boolean }) {
  const { element, model } = p;
  const sections = p.crossing ? interactionSections(model, p.template, element.id, p.crossing) : [];
  const child = 'childDiagramId' in element ? element.childDiagramId : undefined;
  return (
    <PropertiesPanel
      element={element}
      template={p.template}
      crosses={(p.crossing?.flows.find((f) => f.flow.id === element.id)?.crossed.length ?? 0) > 0}
      threats={{ threats: model.threats ?? [], names: p.names, onSelectThreat: p.onSelectThreat }}
      sections={sections}
      readOnly={p.designReadOnly}
      detail={child ? { id: child, name: model.diagrams.find((d) => d.id === child)?.name ?? child } : undefined}
      onOpenDiagram={p.onOpenDiagram}
      onAction={(a) => {
        p.apply({ ...a, diagramId: p.diagram.id } as Action);
        if (a.type === 'addChildDiagram') p.onDetailAdded();
      }}
    />
  );
}
