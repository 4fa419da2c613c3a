/**
 * A small builder for models written as code (and for tests):
 * `buildModel('Shop').entity('user').process('web').store('db').flow('user', 'web').build()`.
 * Elements go into the current diagram; names default to ids; types default to the generic
 * ones.
 */
import type { Diagram, Element, PropertyValue, Rect, Threat, ThreatModel } from './model/ThreatModelSchema.js';

/** Options for a node element. */
export interface NodeOptions {
  name?: string;
  typeId?: string;
  properties?: Record<string, PropertyValue>;
  /** The box boundary it sits in (as-code membership). */
  boundary?: string;
  position?: Rect;
  outOfScope?: boolean;
  outOfScopeReason?: string;
  grouped?: boolean;
}

/** Options for a flow. */
export interface FlowOptions {
  id?: string;
  name?: string;
  typeId?: string;
  bidirectional?: boolean;
  outOfScope?: boolean;
}

/** Builds a ThreatModel step by step. */
export class ModelBuilder {
  private readonly model: ThreatModel;
  private current: Diagram;
  private flowCount = 0;

  constructor(name: string, templateId: string) {
    this.current = { id: 'main', name: 'Main', elements: [] };
    this.model = { schemaVersion: 1, metadata: { name }, template: { id: templateId }, diagrams: [this.current] };
  }

  /** Starts a new diagram; later elements go into it. */
  diagram(id: string, name = id): this {
    if (this.current.elements.length === 0 && this.model.diagrams.length === 1 && this.current.id === 'main') {
      this.current.id = id;
      this.current.name = name;
    } else {
      this.current = { id, name, elements: [] };
      this.model.diagrams.push(this.current);
    }
    return this;
  }

  private node(kind: 'process' | 'dataStore' | 'externalEntity', generic: string, id: string, o: NodeOptions): this {
    const el: Element = {
      kind,
      id,
      typeId: o.typeId ?? generic,
      name: o.name ?? id,
      ...(o.properties ? { properties: o.properties } : {}),
      ...(o.boundary ? { boundaryId: o.boundary } : {}),
      ...(o.position ? { position: o.position } : {}),
      ...(o.outOfScope ? { outOfScope: true } : {}),
      ...(o.outOfScopeReason ? { outOfScopeReason: o.outOfScopeReason } : {}),
      ...(o.grouped ? { grouped: true } : {}),
    };
    this.current.elements.push(el);
    return this;
  }

  /** Adds a process. */
  process(id: string, o: NodeOptions = {}): this {
    return this.node('process', 'GE.P', id, o);
  }
  /** Adds a data store. */
  store(id: string, o: NodeOptions = {}): this {
    return this.node('dataStore', 'GE.DS', id, o);
  }
  /** Adds an external entity. */
  entity(id: string, o: NodeOptions = {}): this {
    return this.node('externalEntity', 'GE.EI', id, o);
  }

  /** Adds a box trust boundary (inside another one when `boundary` is given). */
  boundary(id: string, o: { name?: string; typeId?: string; boundary?: string; position?: Rect } = {}): this {
    this.current.elements.push({
      kind: 'trustBoundary',
      shape: 'box',
      id,
      typeId: o.typeId ?? 'GE.TB.B',
      name: o.name ?? id,
      ...(o.boundary ? { boundaryId: o.boundary } : {}),
      ...(o.position ? { position: o.position } : {}),
    });
    return this;
  }

  /** Adds a line trust boundary from `from` to `to`, optionally curved through `handle`. */
  line(
    id: string,
    from: { x: number; y: number },
    to: { x: number; y: number },
    o: { name?: string; typeId?: string; handle?: { x: number; y: number } } = {},
  ): this {
    this.current.elements.push({
      kind: 'trustBoundary',
      shape: 'line',
      id,
      typeId: o.typeId ?? 'GE.TB.L',
      name: o.name ?? id,
      path: { source: from, target: to, ...(o.handle ? { handle: o.handle } : {}) },
    });
    return this;
  }

  /** Adds a flow from `source` to `target` with the given property values. */
  flow(source: string, target: string, properties?: Record<string, PropertyValue>, o: FlowOptions = {}): this {
    this.flowCount++;
    const id = o.id ?? `${source}-${target}${this.flowCount > 1 ? `-${this.flowCount}` : ''}`;
    this.current.elements.push({
      kind: 'dataFlow',
      id,
      typeId: o.typeId ?? 'GE.DF',
      name: o.name ?? `${source} to ${target}`,
      source,
      target,
      ...(properties ? { properties } : {}),
      ...(o.bidirectional ? { bidirectional: true } : {}),
      ...(o.outOfScope ? { outOfScope: true } : {}),
    });
    return this;
  }

  /** Adds a threat as it is (e.g. a manual one). */
  threat(threat: Threat): this {
    this.model.threats = [...(this.model.threats ?? []), threat];
    return this;
  }

  /** The model built so far (a deep copy, so the builder can go on). */
  build(): ThreatModel {
    return JSON.parse(JSON.stringify(this.model)) as ThreatModel;
  }
}

/** Starts building a model with the given name and template id (default "stride"). */
export function buildModel(name = 'Model', templateId = 'stride'): ModelBuilder {
  return new ModelBuilder(name, templateId);
}
