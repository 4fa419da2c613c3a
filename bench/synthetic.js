// Synthetic models and templates for benchmarks: deterministic (seeded), any size.
// Used by bench/analyze.js; pure JavaScript on top of the built @bulwark/core.

/** A small seeded PRNG (mulberry32), so every run builds the same model. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PROCESS_TYPES = ['p.web', 'p.api', 'p.worker', 'p.auth', 'p.gateway', 'p.batch', 'p.function', 'p.admin'];
const STORE_TYPES = ['s.sql', 's.nosql', 's.blob', 's.cache', 's.queue'];
const ENTITY_TYPES = ['e.user', 'e.admin', 'e.partner', 'e.device'];
const BOUNDARY_TYPES = ['b.internet', 'b.corp', 'b.cloud'];

/**
 * A template with `threatTypes` threat types over 20 stencils with properties. Its rules are as
 * selective as real ones: on the synthetic model they yield about 5 threats per interaction,
 * as the Microsoft tool's untouched models in the corpus do (1,669 threats on 327 connectors).
 */
export function syntheticTemplate(threatTypes = 100, seed = 7) {
  const random = rng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const yesNo = (id) => ({ id, name: id, type: 'list', values: ['No', 'Yes'] });
  const elementTypes = [
    { id: 'GE.P', name: 'Process', properties: [yesNo('validatesInput'), yesNo('authenticates'), yesNo('logs')] },
    { id: 'GE.DS', name: 'Store', properties: [yesNo('encryptedAtRest'), yesNo('backedUp')] },
    { id: 'GE.EI', name: 'Entity', properties: [yesNo('authenticated')] },
    {
      id: 'GE.DF',
      name: 'Flow',
      properties: [
        yesNo('encrypted'),
        yesNo('authenticated'),
        { id: 'protocol', name: 'Protocol', type: 'list', values: ['HTTPS', 'HTTP', 'gRPC', 'AMQP', 'SQL'] },
      ],
    },
    { id: 'GE.TB.B', name: 'Box' },
    { id: 'GE.TB.L', name: 'Line' },
    { id: 'GE.A', name: 'Note' },
    ...PROCESS_TYPES.map((id) => ({ id, name: id, parent: 'GE.P' })),
    ...STORE_TYPES.map((id) => ({ id, name: id, parent: 'GE.DS' })),
    ...ENTITY_TYPES.map((id) => ({ id, name: id, parent: 'GE.EI' })),
    ...BOUNDARY_TYPES.map((id) => ({ id, name: id, parent: 'GE.TB.B' })),
  ];
  const categories = ['S', 'T', 'R', 'I', 'D', 'E'].map((id) => ({ id, name: id }));
  const shapes = [
    () =>
      `source is '${pick(ENTITY_TYPES)}' and target is '${pick(PROCESS_TYPES)}' and not flow.authenticated is 'Yes'`,
    () => `source is 'GE.P' and target is '${pick(STORE_TYPES)}' and not source.validatesInput is 'Yes'`,
    () =>
      `(target is '${pick(PROCESS_TYPES)}' or target is '${pick(PROCESS_TYPES)}') and flow crosses 'GE.TB.B' and not flow.encrypted is 'Yes'`,
    () => `source is '${pick(PROCESS_TYPES)}' and flow.protocol is '${pick(['HTTP', 'AMQP', 'SQL'])}'`,
    () => `target is 'GE.DS' and not target.encryptedAtRest is 'Yes' and flow crosses '${pick(BOUNDARY_TYPES)}'`,
    () => `source is 'GE.EI' and (target is 'GE.P' or target is 'GE.DS') and not target.authenticates is 'Yes'`,
    () => `source is '${pick(PROCESS_TYPES)}' and target is '${pick(PROCESS_TYPES)}' and not flow.encrypted is 'Yes'`,
    () =>
      `flow crosses '${pick(BOUNDARY_TYPES)}' and source is 'GE.P' and not (flow.encrypted is 'Yes' and flow.authenticated is 'Yes')`,
  ];
  const types = [];
  for (let i = 0; i < threatTypes; i++) {
    types.push({
      id: `synthetic.${i}`,
      title: `Threat ${i} on {source.Name} -> {target.Name} via {flow.Name}`,
      category: categories[i % 6].id,
      include: shapes[i % shapes.length](),
      ...(i % 3 === 0 ? { exclude: `source.logs is 'Yes' and target.logs is 'Yes'` } : {}),
      // About half the descriptions name the elements, as in the Microsoft tool's own templates
      // (22 of 48 in its default template); the rest are fixed text.
      description:
        i % 2 === 0
          ? `Synthetic threat ${i}: {source.Name} sends {flow.protocol} to {target.Name}.`
          : `Synthetic threat ${i}: an attacker abuses this interaction; apply the mitigations listed for it.`,
      priority: ['High', 'Medium', 'Low'][i % 3],
    });
  }
  return {
    schemaVersion: 1,
    id: 'synthetic',
    name: 'Synthetic',
    version: '1',
    categories,
    elementTypes,
    threatTypes: types,
  };
}

/** A model with `nodes` processes/stores/entities, `flows` flows and `boundaries` box boundaries. */
export function syntheticModel({ nodes = 10_000, flows = 20_000, boundaries = 100, seed = 42 } = {}) {
  const random = rng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const yn = () => (random() < 0.5 ? 'Yes' : 'No');
  const elements = [];
  const cols = Math.ceil(Math.sqrt(nodes));
  const cell = 160;
  // Boundaries: a grid of boxes over the canvas, some nested inside others.
  const bcols = Math.ceil(Math.sqrt(boundaries));
  const span = Math.ceil(cols / bcols) * cell;
  for (let i = 0; i < boundaries; i++) {
    const nested = i % 5 === 4;
    const x = (i % bcols) * span + (nested ? span / 4 : 0);
    const y = Math.floor(i / bcols) * span + (nested ? span / 4 : 0);
    const size = nested ? span / 2 : span - 10;
    elements.push({
      kind: 'trustBoundary',
      shape: 'box',
      id: `b${i}`,
      typeId: pick(BOUNDARY_TYPES),
      name: `Boundary ${i}`,
      position: { x, y, width: size, height: size },
    });
  }
  const ids = [];
  for (let i = 0; i < nodes; i++) {
    const r = random();
    const kind = r < 0.6 ? 'process' : r < 0.85 ? 'dataStore' : 'externalEntity';
    const typeId =
      kind === 'process' ? pick(PROCESS_TYPES) : kind === 'dataStore' ? pick(STORE_TYPES) : pick(ENTITY_TYPES);
    const properties =
      kind === 'process'
        ? { validatesInput: yn(), authenticates: yn(), logs: yn() }
        : kind === 'dataStore'
          ? { encryptedAtRest: yn(), backedUp: yn() }
          : { authenticated: yn() };
    const id = `n${i}`;
    ids.push(id);
    elements.push({
      kind,
      id,
      typeId,
      name: `Element ${i}`,
      properties,
      position: { x: (i % cols) * cell + 20, y: Math.floor(i / cols) * cell + 20, width: 100, height: 60 },
    });
  }
  for (let i = 0; i < flows; i++) {
    // Mostly near neighbours (within a few cells), some long-range.
    const s = Math.floor(random() * nodes);
    const t =
      random() < 0.8
        ? Math.min(nodes - 1, Math.max(0, s + Math.floor((random() - 0.5) * 2 * cols * 2)))
        : Math.floor(random() * nodes);
    const target = t === s ? (s + 1) % nodes : t;
    elements.push({
      kind: 'dataFlow',
      id: `f${i}`,
      typeId: 'GE.DF',
      name: `Flow ${i}`,
      source: ids[s],
      target: ids[target],
      ...(random() < 0.3 ? { bidirectional: true } : {}),
      properties: { encrypted: yn(), authenticated: yn(), protocol: pick(['HTTPS', 'HTTP', 'gRPC', 'AMQP', 'SQL']) },
    });
  }
  return {
    schemaVersion: 1,
    metadata: { name: `Synthetic ${nodes}/${flows}` },
    template: { id: 'synthetic' },
    diagrams: [{ id: 'main', name: 'Main', elements }],
  };
}

/**
 * A diagram's elements in clusters of 15: a box boundary holding 8 shapes (of `types`, in turn)
 * with 5 flows between them, each cluster linked to the next; about `n` elements in all. With
 * `placed`, shapes and boundaries sit on a grid; without, shapes name their boundary
 * (`boundaryId`), as in a model written as code. `innerFlow(i)` and `link` add fields to the
 * flows inside a cluster and between clusters.
 */
export function clusterElements(
  n,
  { types, boundaryType, placed = true, nodeName = (c, i) => `Node ${c}.${i}`, innerFlow = () => ({}), link = {} },
) {
  const clusters = Math.max(1, Math.round(n / 15));
  const columns = Math.ceil(Math.sqrt(clusters));
  const elements = [];
  const flows = [];
  for (let c = 0; c < clusters && elements.length + flows.length < n; c++) {
    const ox = (c % columns) * 900;
    const oy = Math.floor(c / columns) * 700;
    elements.push({
      kind: 'trustBoundary',
      shape: 'box',
      id: `tb${c}`,
      typeId: boundaryType,
      name: `Zone ${c}`,
      ...(placed ? { position: { x: ox, y: oy, width: 820, height: 620 } } : {}),
    });
    for (let i = 0; i < 8; i++) {
      const [kind, typeId, width, height] = types[i % types.length];
      elements.push({
        kind,
        id: `n${c}-${i}`,
        typeId,
        name: nodeName(c, i),
        ...(placed
          ? { position: { x: ox + 40 + (i % 4) * 190, y: oy + 60 + Math.floor(i / 4) * 280, width, height } }
          : { boundaryId: `tb${c}` }),
      });
    }
    for (let i = 0; i < 5; i++)
      flows.push({
        kind: 'dataFlow',
        id: `f${c}-${i}`,
        typeId: 'GE.DF',
        name: `Flow ${c}.${i}`,
        source: `n${c}-${i}`,
        target: `n${c}-${i + 1}`,
        ...innerFlow(i),
      });
    if (c > 0)
      flows.push({
        kind: 'dataFlow',
        id: `x${c}`,
        typeId: 'GE.DF',
        name: `Link ${c}`,
        source: `n${c - 1}-7`,
        target: `n${c}-0`,
        bidirectional: true,
        ...link,
      });
  }
  return [...elements, ...flows];
}

/**
 * How a model of `elements` diagram elements splits (every shape, flow and boundary counts):
 * a third shapes, two flows per shape, one box boundary per hundred shapes.
 */
export function modelShape(elements) {
  const nodes = Math.max(2, Math.round(elements / 3));
  const boundaries = Math.max(1, Math.round(nodes / 100));
  return { nodes, flows: Math.max(1, elements - nodes - boundaries), boundaries };
}

/**
 * A model of about `elements` elements without positions, as a model written as code: zones (box
 * boundaries) of 8 shapes of the synthetic template's types and 5 flows, each zone linked to the
 * next; shapes name their zone. `bulwark render` lays such a model out before drawing it.
 */
export function unplacedModel(elements) {
  const types = [
    ['process', PROCESS_TYPES[0], 100, 100],
    ['process', PROCESS_TYPES[1], 100, 100],
    ['dataStore', STORE_TYPES[0], 150, 60],
    ['externalEntity', ENTITY_TYPES[0], 150, 60],
  ];
  const diagram = clusterElements(elements, {
    placed: false,
    boundaryType: BOUNDARY_TYPES[1],
    types,
    nodeName: (c, i) => `Node ${c}.${i} with a longer name`,
    innerFlow: (i) => ({ bidirectional: i % 2 === 0, properties: { encrypted: 'No', protocol: 'HTTP' } }),
  });
  return {
    schemaVersion: 1,
    metadata: { name: `Synthetic ${elements}, no positions` },
    template: { id: 'synthetic' },
    diagrams: [{ id: 'main', name: 'Main', elements: diagram }],
  };
}
