// Synthetic Microsoft Threat Modeling Tool models (.tm7) of any size, for bench/tm7.js.
// Deterministic for a seed. The layout, namespaces, prefixes and field order are those of the
// files the tool writes (see ../shared/formats/TMT.md and a real file such as
// ../shared/corpus/tmt/dagowda__Secure-Software-development-life-cycle__New_Threat_Model.tm7):
// one DrawingSurfaceModel whose Borders hold stencils (StencilEllipse / StencilParallelLines /
// StencilRectangle of the knowledge base's standard types, with the properties the tool writes
// for each: type header, Name, Out Of Scope, static lists, configurable lists with a
// SelectedIndex, "As Generic ..." lists) and BorderBoundary boxes around groups of stencils,
// whose Lines hold Connectors between nearby stencils; an empty ThreatInstances; and the
// knowledge base embedded verbatim (only its z:Id serialization ids are renumbered so that they
// stay unique in the file).
// Size: with the SDL Core KB a stencil takes ~6 KB and a connector ~8 KB (real files: 4.7-6.7 KB
// and 7.4-8.6 KB), so N = 5,000 (with ~10,000 connectors) is ~108 MB and N = 10,000 ~216 MB.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { children, parseXml } from '@bulwark/formats';
import { rng } from './synthetic.js';

const MODEL_NS = 'http://schemas.datacontract.org/2004/07/ThreatModeling.Model';
const ABS = 'http://schemas.datacontract.org/2004/07/ThreatModeling.Model.Abstracts';
const KB_NS = 'http://schemas.datacontract.org/2004/07/ThreatModeling.KnowledgeBase';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';
const XS = 'http://www.w3.org/2001/XMLSchema';
const ARRAYS = 'http://schemas.microsoft.com/2003/10/Serialization/Arrays';
const SER = 'http://schemas.microsoft.com/2003/10/Serialization/';
/** The tool's own attribute keys (the same GUIDs in every file). */
const OUT_OF_SCOPE = '71f3d9aa-b8ef-4e54-8126-607a1d903103';
const OUT_OF_SCOPE_REASON = '752473b6-52d4-4776-9a24-202153f7d579';
const DATAFLOW_ORDER = '15ccd509-98eb-49ad-b9c2-b4a2926d1780';

/** The real SDL "Core" knowledge base is cut out of this corpus file by default. */
export const CORE_KB_FILE = 'dagowda__Secure-Software-development-life-cycle__New_Threat_Model.tm7';

/** The `<KnowledgeBase>…</KnowledgeBase>` element of a .tm7's text, verbatim. */
export function cutKnowledgeBase(tm7Text) {
  const start = tm7Text.search(/<KnowledgeBase[\s>/]/);
  const end = tm7Text.lastIndexOf('</KnowledgeBase>');
  if (start < 0 || end < start) throw new Error('no <KnowledgeBase> element in this .tm7');
  return tm7Text.slice(start, end + '</KnowledgeBase>'.length);
}

/**
 * The knowledge base to embed: the SDL "Core" one from a real corpus file when
 * `<repo>/../shared/corpus/tmt` exists, else the small one in packages/formats/fixtures/minimal.tm7.
 * Returns { xml, source, real }.
 */
export function defaultKnowledgeBase(repoRoot) {
  const corpus = join(repoRoot, '..', 'shared', 'corpus', 'tmt');
  if (existsSync(corpus)) {
    const candidates = [
      CORE_KB_FILE,
      ...readdirSync(corpus)
        .filter((f) => f.endsWith('.tm7') && f !== CORE_KB_FILE)
        .sort(),
    ];
    for (const name of candidates) {
      const path = join(corpus, name);
      if (!existsSync(path)) continue;
      const text = readFileSync(path, 'utf8');
      if (!text.includes('SDL TM Knowledge Base (Core)')) continue;
      try {
        return { xml: cutKnowledgeBase(text), source: `../shared/corpus/tmt/${name}`, real: true };
      } catch {}
    }
  }
  const fixture = join(repoRoot, 'packages', 'formats', 'fixtures', 'minimal.tm7');
  return {
    xml: cutKnowledgeBase(readFileSync(fixture, 'utf8')),
    source:
      'packages/formats/fixtures/minimal.tm7 (fallback: ../shared/corpus/tmt is absent, so this is a small test KB, not a real one)',
    real: false,
  };
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A field of a knowledge-base node, by local name (.tm7 spelling first, then .tb7). */
function field(node, ...names) {
  for (const name of names) {
    const c = node.children.find((x) => x.name === name);
    if (c && !c.nil) return c.text.trim();
  }
  return '';
}

/** Element types of the knowledge base, with their attributes, keyed by id. */
function readKnowledgeBase(kbXml) {
  // The KB uses the i: prefix declared on <ThreatModel>: parse it inside one.
  const parsed = parseXml(`<ThreatModel xmlns="${MODEL_NS}" xmlns:i="${XSI}">${kbXml}</ThreatModel>`, 'kb', 'KB');
  if (!parsed.ok) throw new Error(`knowledge base does not parse: ${parsed.error.message}`);
  const kb = parsed.value.children[0];
  const section = (name) => kb.children.find((c) => c.name === name);
  const types = new Map();
  const order = [];
  for (const node of [
    ...children(section('GenericElements'), 'ElementType'),
    ...children(section('StandardElements'), 'ElementType'),
  ]) {
    const attributes = children(
      node.children.find((c) => c.name === 'Attributes'),
      'Attribute',
    ).map((a) => ({
      key: field(a, 'Name'),
      display: field(a, 'DisplayName') || field(a, 'Name'),
      mode: field(a, 'Mode') || 'Dynamic',
      values: children(a.children.find((c) => c.name === 'AttributeValues')).map((v) => v.text),
    }));
    const t = {
      id: field(node, 'Id', 'ID'),
      name: field(node, 'Name'),
      parent: field(node, 'ParentId', 'ParentElement'),
      representation: field(node, 'Representation'),
      hidden: field(node, 'Hidden') === 'true',
      attributes: attributes.filter((a) => a.key !== ''),
    };
    if (t.id === '' || types.has(t.id)) continue;
    types.set(t.id, t);
    order.push(t);
  }
  const chain = (t) => {
    const out = [];
    const seen = new Set();
    for (let cur = t; cur && !seen.has(cur.id); cur = types.get(cur.parent)) {
      seen.add(cur.id);
      out.push(cur);
    }
    return out; // [type, parent, ..., generic root]
  };
  const isRoot = (t) => t.parent === '' || t.parent === 'ROOT';
  const byRepresentation = (rep) => order.find((t) => isRoot(t) && t.representation === rep);
  const kinds = {};
  for (const [kind, rep] of [
    ['process', 'Ellipse'],
    ['dataStore', 'ParallelLines'],
    ['externalEntity', 'Rectangle'],
    ['dataFlow', 'Line'],
    ['boundary', 'BorderBoundary'],
  ]) {
    const root = byRepresentation(rep);
    if (!root) throw new Error(`the knowledge base has no generic type drawn as ${rep}`);
    // Its standard (non-generic) types, visible in the tool's palette; the generic one when none.
    const standard = order.filter((t) => !isRoot(t) && !t.hidden && chain(t).at(-1) === root);
    kinds[kind] = (standard.length > 0 ? standard : [root]).map((t) => {
      const levels = chain(t); // t ... root
      const generic = levels.at(-1);
      const statics = levels.slice(0, -1).flatMap((l) => l.attributes.filter((a) => a.mode === 'Static'));
      const fixed = new Set(statics.map((a) => a.key));
      const own =
        t === generic ? [] : levels.slice(0, -1).flatMap((l) => l.attributes.filter((a) => a.mode !== 'Static'));
      const ownKeys = new Set(own.map((a) => a.key));
      const inherited = generic.attributes.filter((a) => !fixed.has(a.key) && !ownKeys.has(a.key));
      return { id: t.id, name: t.name || t.id, generic, statics, own, inherited };
    });
  }
  return kinds;
}

// --- serialization of the tool's display attributes (exactly as the tool writes them) --------

const header = (display) =>
  `<a:anyType i:type="b:HeaderDisplayAttribute" xmlns:b="${KB_NS}"><b:DisplayName>${esc(display)}</b:DisplayName><b:Name/><b:Value i:nil="true"/></a:anyType>`;
const stringAttr = (display, key, value) =>
  `<a:anyType i:type="b:StringDisplayAttribute" xmlns:b="${KB_NS}"><b:DisplayName>${esc(display)}</b:DisplayName>${key ? `<b:Name>${esc(key)}</b:Name>` : '<b:Name/>'}${value === '' ? `<b:Value i:type="c:string" xmlns:c="${XS}"/>` : `<b:Value i:type="c:string" xmlns:c="${XS}">${esc(value)}</b:Value>`}</a:anyType>`;
const boolAttr = (display, key, value) =>
  `<a:anyType i:type="b:BooleanDisplayAttribute" xmlns:b="${KB_NS}"><b:DisplayName>${esc(display)}</b:DisplayName><b:Name>${key}</b:Name><b:Value i:type="c:boolean" xmlns:c="${XS}">${value}</b:Value></a:anyType>`;
const listAttr = (kind, a, selected) =>
  `<a:anyType i:type="b:${kind}" xmlns:b="${KB_NS}"><b:DisplayName>${esc(a.display)}</b:DisplayName><b:Name>${esc(a.key)}</b:Name><b:Value i:type="a:ArrayOfstring">${a.values.map((v) => `<a:string>${esc(v)}</a:string>`).join('')}</b:Value><b:SelectedIndex>${selected}</b:SelectedIndex></a:anyType>`;

/** A list attribute with a chosen option, or a free-text one when the KB lists no options. */
function configurable(a, random, name) {
  if (a.values.length === 0) return stringAttr(a.display, a.key, random() < 0.5 ? '' : `${name} ${a.display}`);
  // Mostly the first option (the tool's default), otherwise any.
  const selected = random() < 0.5 ? 0 : Math.floor(random() * a.values.length);
  return listAttr('ListDisplayAttribute', a, selected);
}

/** The `<Properties>` of a stencil or connector of standard type `t`, as the tool writes them. */
function properties(t, name, random, { scope = true, order = false }) {
  const out = [header(t.name), stringAttr('Name', '', name)];
  if (order) out.push(stringAttr('Dataflow Order', DATAFLOW_ORDER, '0'));
  if (scope) {
    const outOfScope = random() < 0.03;
    out.push(
      boolAttr('Out Of Scope', OUT_OF_SCOPE, outOfScope),
      stringAttr('Reason For Out Of Scope', OUT_OF_SCOPE_REASON, outOfScope ? 'Owned by another team' : ''),
    );
  }
  if (t.statics.length > 0) {
    out.push(header('Predefined Static Attributes'));
    for (const a of t.statics) out.push(listAttr('StaticListDisplayAttribute', a, 0));
  }
  out.push(header('Configurable Attributes'));
  for (const a of t.own) out.push(configurable(a, random, name));
  out.push(header(`As ${t.generic.name}`));
  for (const a of t.inherited) out.push(configurable(a, random, name));
  return out.join('');
}

const el = (name, value) => `<${name} xmlns="${ABS}">${value}</${name}>`;

function guidFrom(random) {
  const hex = (n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(random() * 16).toString(16);
    return s;
  };
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(random() * 4)]}${hex(3)}-${hex(12)}`;
}

const SHAPE = { process: 'StencilEllipse', dataStore: 'StencilParallelLines', externalEntity: 'StencilRectangle' };
const PORTS = ['East', 'SouthEast', 'South', 'SouthWest', 'West', 'NorthWest', 'North', 'NorthEast'];
const PORT_OFFSET = {
  East: [1, 0.5],
  SouthEast: [0.85, 0.85],
  South: [0.5, 1],
  SouthWest: [0.15, 0.85],
  West: [0, 0.5],
  NorthWest: [0.15, 0.15],
  North: [0.5, 0],
  NorthEast: [0.85, 0.15],
};
/** The compass port facing direction (dx, dy) (screen coordinates: y grows downwards). */
const portToward = (dx, dy) => PORTS[(Math.round(Math.atan2(dy, dx) / (Math.PI / 4)) + 8) % 8];

const CELL = 220; // grid pitch, px
const SIZE = 100; // stencil width and height
const BLOCK = 5; // boundaries are placed per BLOCK x BLOCK cells: about N / 25 of them

/**
 * The text of a .tm7 with `stencils` processes, data stores and external entities of the
 * knowledge base's standard types, about stencils / 25 box trust boundaries around groups of
 * them, and about 2 × stencils connectors between nearby stencils. Deterministic for a seed.
 * Returns the text; `syntheticTm7.last` holds the counts of the last call.
 */
export function syntheticTm7({ stencils, seed = 1, knowledgeBaseXml }) {
  if (!knowledgeBaseXml) throw new Error('syntheticTm7 needs knowledgeBaseXml (see defaultKnowledgeBase)');
  const random = rng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const kinds = readKnowledgeBase(knowledgeBaseXml);
  const n = stencils;
  const cols = Math.max(1, Math.ceil(Math.sqrt(n)));
  const rows = Math.ceil(n / cols);
  let zid = 1;
  const out = [];
  const push = (s) => out.push(s);
  const surfaceGuid = guidFrom(random);

  push(`<ThreatModel xmlns="${MODEL_NS}" xmlns:i="${XSI}"><DrawingSurfaceList>`);
  push(`<DrawingSurfaceModel z:Id="i${zid++}" xmlns:z="${SER}">`);
  push(el('GenericTypeId', 'DRAWINGSURFACE') + el('Guid', surfaceGuid));
  push(
    `<Properties xmlns="${ABS}" xmlns:a="${ARRAYS}">${header('Diagram')}${stringAttr('Name', '', 'Diagram 1')}</Properties>`,
  );
  push(el('TypeId', 'DRAWINGSURFACE'));
  push(`<Borders xmlns:a="${ARRAYS}">`);

  // Stencils on a grid (a little jitter), kind mix about 45% process, 30% entity, 25% store.
  const nodes = [];
  for (let i = 0; i < n; i++) {
    const r = random();
    const kind = r < 0.45 ? 'process' : r < 0.75 ? 'externalEntity' : 'dataStore';
    const col = i % cols;
    const row = Math.floor(i / cols);
    nodes.push({
      kind,
      type: pick(kinds[kind]),
      guid: guidFrom(random),
      col,
      row,
      left: col * CELL + 20 + Math.floor(random() * 40),
      top: row * CELL + 20 + Math.floor(random() * 40),
    });
  }
  const counts = { process: 0, dataStore: 0, externalEntity: 0 };
  const writeStencil = (s) => {
    counts[s.kind]++;
    const name = `${s.type.name} ${counts[s.kind]}`;
    push(`<a:KeyValueOfguidanyType><a:Key>${s.guid}</a:Key><a:Value z:Id="i${zid++}" i:type="${SHAPE[s.kind]}">`);
    push(el('GenericTypeId', esc(s.type.generic.id)) + el('Guid', s.guid));
    push(`<Properties xmlns="${ABS}">${properties(s.type, name, random, {})}</Properties>`);
    push(el('TypeId', esc(s.type.id)) + el('Height', SIZE) + el('Left', s.left));
    push(`<StrokeDashArray i:nil="true" xmlns="${ABS}"/>`);
    push(el('StrokeThickness', 1) + el('Top', s.top) + el('Width', SIZE));
    push('</a:Value></a:KeyValueOfguidanyType>');
  };

  // One box boundary per BLOCK x BLOCK block of cells, around a random sub-rectangle of 2..5 by
  // 2..5 cells: it contains those stencils, and flows leaving it cross it.
  let boundaries = 0;
  const byCell = (col, row) => (row < rows && col < cols ? nodes[row * cols + col] : undefined);
  for (let br = 0; br < rows; br += BLOCK) {
    for (let bc = 0; bc < cols; bc += BLOCK) {
      const w = Math.min(2 + Math.floor(random() * 4), cols - bc);
      const h = Math.min(2 + Math.floor(random() * 4), rows - br);
      const c0 = bc + Math.floor(random() * (Math.min(BLOCK, cols - bc) - w + 1));
      const r0 = br + Math.floor(random() * (Math.min(BLOCK, rows - br) - h + 1));
      if (!byCell(c0, r0)) continue;
      boundaries++;
      const type = pick(kinds.boundary);
      const guid = guidFrom(random);
      push(`<a:KeyValueOfguidanyType><a:Key>${guid}</a:Key><a:Value z:Id="i${zid++}" i:type="BorderBoundary">`);
      push(el('GenericTypeId', esc(type.generic.id)) + el('Guid', guid));
      push(
        `<Properties xmlns="${ABS}">${properties(type, `${type.name} ${boundaries}`, random, { scope: false, order: true })}</Properties>`,
      );
      push(el('TypeId', esc(type.id)) + el('Height', h * CELL - 10) + el('Left', c0 * CELL + 5));
      push(`<StrokeDashArray i:nil="true" xmlns="${ABS}"/>`);
      push(el('StrokeThickness', 1) + el('Top', r0 * CELL + 5) + el('Width', w * CELL - 10));
      push('</a:Value></a:KeyValueOfguidanyType>');
      // The block's stencils follow their boundary, as when drawn one area at a time.
      for (let r = br; r < Math.min(br + BLOCK, rows); r++)
        for (let c = bc; c < Math.min(bc + BLOCK, cols); c++) {
          const s = byCell(c, r);
          if (s) writeStencil(s);
        }
    }
  }
  push(`</Borders><Header>Diagram 1</Header><Lines xmlns:a="${ARRAYS}">`);

  // Two connectors from each stencil to stencils at most two cells away; a flow between two
  // non-processes (entity to store, store to store) is redirected to a process when one is near.
  let connectors = 0;
  const flowCounts = new Map();
  for (const s of nodes) {
    for (let k = 0; k < 2; k++) {
      let t;
      for (let attempt = 0; attempt < 6; attempt++) {
        const dc = Math.floor(random() * 5) - 2;
        const dr = Math.floor(random() * 5) - 2;
        if (dc === 0 && dr === 0) continue;
        const cand = byCell(s.col + dc, s.row + dr);
        if (!cand) continue;
        t = cand;
        if (s.kind === 'process' || cand.kind === 'process') break;
      }
      if (!t) continue;
      const [src, dst] = random() < 0.5 ? [s, t] : [t, s];
      const type = pick(kinds.dataFlow);
      const guid = guidFrom(random);
      const cx = (x) => x.left + SIZE / 2;
      const cy = (x) => x.top + SIZE / 2;
      const ps = portToward(cx(dst) - cx(src), cy(dst) - cy(src));
      const pt = portToward(cx(src) - cx(dst), cy(src) - cy(dst));
      const sx = Math.round(src.left + PORT_OFFSET[ps][0] * SIZE);
      const sy = Math.round(src.top + PORT_OFFSET[ps][1] * SIZE);
      const tx = Math.round(dst.left + PORT_OFFSET[pt][0] * SIZE);
      const ty = Math.round(dst.top + PORT_OFFSET[pt][1] * SIZE);
      const hx = Math.round((sx + tx) / 2 + (random() - 0.5) * 40);
      const hy = Math.round((sy + ty) / 2 + (random() - 0.5) * 40);
      const count = (flowCounts.get(type.id) ?? 0) + 1;
      flowCounts.set(type.id, count);
      connectors++;
      push(`<a:KeyValueOfguidanyType><a:Key>${guid}</a:Key><a:Value z:Id="i${zid++}" i:type="Connector">`);
      push(el('GenericTypeId', esc(type.generic.id)) + el('Guid', guid));
      push(
        `<Properties xmlns="${ABS}">${properties(type, `${type.name} ${count}`, random, { order: true })}</Properties>`,
      );
      push(el('TypeId', esc(type.id)) + el('HandleX', hx) + el('HandleY', hy));
      push(el('PortSource', ps) + el('PortTarget', pt));
      push(el('SourceGuid', src.guid) + el('SourceX', sx) + el('SourceY', sy));
      push(el('TargetGuid', dst.guid) + el('TargetX', tx) + el('TargetY', ty));
      push('</a:Value></a:KeyValueOfguidanyType>');
    }
  }
  push('</Lines><Zoom>1</Zoom></DrawingSurfaceModel></DrawingSurfaceList>');
  push(
    `<MetaInformation><Assumptions/><Contributors/><ExternalDependencies/><HighLevelSystemDescription>Synthetic model: ${n} stencils, ${connectors} connectors, ${boundaries} box boundaries (seed ${seed}).</HighLevelSystemDescription><Owner/><Reviewer/><ThreatModelName>Synthetic ${n}</ThreatModelName></MetaInformation>`,
  );
  push(`<Notes/><ThreatInstances xmlns:a="${ARRAYS}"/><ThreatGenerationEnabled>true</ThreatGenerationEnabled>`);
  push(`<Validations xmlns:a="${KB_NS}"/><Version>4.3</Version>`);
  // The knowledge base verbatim, except its serialization ids, which must stay unique.
  const renumbered = new Map();
  push(
    knowledgeBaseXml
      .replace(/(\sz:Id=")i(\d+)"/g, (_, pre, id) => {
        const next = `i${zid++}`;
        renumbered.set(`i${id}`, next);
        return `${pre}${next}"`;
      })
      .replace(/(\sz:Ref=")(i\d+)"/g, (_, pre, id) => `${pre}${renumbered.get(id) ?? id}"`),
  );
  push('<Profile><PromptedKb xmlns=""/></Profile></ThreatModel>');
  syntheticTm7.last = { stencils: n, boundaries, connectors };
  return out.join('');
}
