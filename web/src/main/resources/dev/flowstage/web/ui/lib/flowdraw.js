// Draws Node-RED flows as SVG, one picture per tab and subflow, with the nodes of a semantic diff marked.
// drawFlows(before, after, diff, opts) is a pure function of its arguments: it reads no global state and
// returns fresh elements. Geometry follows the Node-RED editor (see docs/web-ui-review.md): node x/y are
// centres, width grows in 20 px steps with the label, ports 10x10, wires as cubic curves, groups as frames
// recomputed around their members.

const NS = 'http://www.w3.org/2000/svg';
const NODE_W = 100;
const NODE_H = 30;
const GRID = 20;
const GROUP_MARGIN = 26;
const PAD = 40;
const FONT = "14px 'Helvetica Neue', Arial, Helvetica, sans-serif";

/** The kinds of change, in legend order, with their colour and the glyph of their badge. */
export const CHANGES = Object.freeze({
  added: { color: '#1a7f37', glyph: '+', text: 'added' },
  removed: { color: '#cf222e', glyph: '−', text: 'removed' },
  changed: { color: '#b35900', glyph: '~', text: 'changed' },
  moved: { color: '#0969da', glyph: '↔', text: 'moved' },
  rewired: { color: '#8250df', glyph: '⇄', text: 'rewired' },
});

const COLORS = {
  inject: '#a6bbcf', debug: '#87a980', complete: '#c0edc0', catch: '#e49191', status: '#94c1d0',
  'link in': '#dddddd', 'link out': '#dddddd', 'link call': '#dddddd', comment: '#ffffff', function: '#fdd0a2',
  switch: '#E2D96E', change: '#E2D96E', range: '#E2D96E', rbe: '#E2D96E', filter: '#E2D96E', split: '#E2D96E',
  join: '#E2D96E', sort: '#E2D96E', batch: '#E2D96E', template: 'rgb(243, 181, 103)', delay: '#E6E0F8',
  trigger: '#E6E0F8', exec: 'darksalmon', 'http in': 'rgb(231, 231, 174)', 'http response': 'rgb(231, 231, 174)',
  'http request': 'rgb(231, 231, 174)', 'mqtt in': '#d8bfd8', 'mqtt out': '#d8bfd8',
  'websocket in': 'rgb(215, 215, 160)', 'websocket out': 'rgb(215, 215, 160)', 'tcp in': 'Silver',
  'tcp out': 'Silver', 'tcp request': 'Silver', 'udp in': 'Silver', 'udp out': 'Silver', csv: '#DEBD5C',
  html: '#DEBD5C', json: '#DEBD5C', xml: '#DEBD5C', yaml: '#DEBD5C', file: 'BurlyWood', 'file in': 'BurlyWood',
  watch: 'BurlyWood',
};
// Core types whose definition has no input port.
const NO_INPUT = new Set(['inject', 'catch', 'status', 'complete', 'link in', 'comment', 'http in', 'mqtt in',
  'websocket in', 'tcp in', 'udp in', 'watch']);
// Core types drawn with the icon on the right (align "right", or an input and no outputs).
const RIGHT = new Set(['debug', 'link out', 'http response', 'mqtt out', 'websocket out', 'tcp out', 'udp out',
  'file']);
const CORE = new Set([...Object.keys(COLORS), 'link call', 'junction']);
const CONTAINER_TYPES = new Set(['tab', 'subflow', 'group']);

function el(tag, attrs, ...children) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null && v !== false) e.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return e;
}

/** Width in px of `text` in the editor's label font; a canvas measures it, an estimate stands in without one. */
export function makeMeasure() {
  let ctx = null;
  try {
    ctx = document.createElement('canvas').getContext('2d');
  } catch (e) {
    ctx = null;
  }
  const cache = new Map();
  return (text, italic) => {
    const key = (italic ? 'i' : 'n') + text;
    if (!cache.has(key)) {
      let w = text.length * 7.5;
      if (ctx) {
        ctx.font = (italic ? 'italic ' : '') + FONT;
        w = ctx.measureText(text).width;
      }
      cache.set(key, w);
    }
    return cache.get(key);
  };
}

const isNum = v => typeof v === 'number' && Number.isFinite(v);
const str = v => (typeof v === 'string' ? v : '');

/** The label the editor shows for a node: its name, else what the core node's definition computes, else the type. */
export function nodeLabel(node, subflows) {
  const name = str(node.name);
  const type = str(node.type);
  if (type.startsWith('subflow:')) {
    const def = subflows && subflows.get(type.slice(8));
    return name || (def && str(def.name)) || type;
  }
  if (name) return name;
  switch (type) {
    case 'inject': {
      let label = 'inject';
      const payload = node.payloadType === 'date' ? 'timestamp' : str(node.payload);
      if (node.topic && payload && (str(node.topic) + payload).length < 24) label = node.topic + ':' + payload;
      else if (payload && payload.length < 24) label = payload;
      else if (node.topic && str(node.topic).length < 24) label = node.topic;
      if (node.once) label += ' ¹';
      if (node.repeat || node.crontab) label += ' ↻';
      return label;
    }
    case 'debug': {
      const c = node.complete;
      if (c === true || c === 'true') return 'msg';
      if (c === undefined || c === false || c === 'false' || c === '') return 'msg.payload';
      return node.targetType === 'jsonata' ? 'expression' : 'msg.' + c;
    }
    case 'change': {
      const rules = Array.isArray(node.rules) ? node.rules : [];
      if (rules.length === 1) {
        const r = rules[0];
        const target = (r.pt || 'msg') + '.' + (r.p || '');
        return ({ set: 'set ', change: 'change ', delete: 'delete ', move: 'move ' }[r.t] || '') + target;
      }
      return 'change: ' + rules.length + ' rules';
    }
    case 'delay': {
      if (node.pauseType === 'delay' && node.timeout) {
        const u = { milliseconds: 'ms', seconds: 's', minutes: 'm', hours: 'h', days: 'd' }[node.timeoutUnits] || 's';
        return 'delay ' + node.timeout + u;
      }
      if (node.pauseType && String(node.pauseType).startsWith('rate')) return 'limit ' + (node.rate || 1) + ' msg/s';
      return 'delay';
    }
    case 'http in': return '[' + str(node.method || 'get') + '] ' + str(node.url);
    case 'http response': return 'http';
    case 'mqtt in': case 'mqtt out': return str(node.topic) || 'mqtt';
    case 'catch': return Array.isArray(node.scope) ? 'catch: ' + node.scope.length : 'catch: all';
    case 'status': return Array.isArray(node.scope) ? 'status: ' + node.scope.length : 'status: all';
    case 'complete': return Array.isArray(node.scope) ? 'complete: ' + node.scope.length : 'complete';
    default: return type || 'node';
  }
}

function outputsOf(node, subflows) {
  const type = str(node.type);
  if (type.startsWith('subflow:')) {
    const def = subflows && subflows.get(type.slice(8));
    if (def && Array.isArray(def.out)) return def.out.length;
  }
  if (type === 'debug' || type === 'comment' || type === 'link out' || type === 'http response') return 0;
  if (Array.isArray(node.wires)) return node.wires.length;
  return isNum(node.outputs) ? node.outputs : 0;
}

function inputsOf(node, subflows, wiredTo) {
  const type = str(node.type);
  if (type.startsWith('subflow:')) {
    const def = subflows && subflows.get(type.slice(8));
    if (def && Array.isArray(def.in)) return def.in.length > 0 ? 1 : 0;
  }
  if (wiredTo && wiredTo.has(node.id)) return 1;
  if (CORE.has(type)) return NO_INPUT.has(type) ? 0 : 1;
  // a contributed node's definition is not known here: it shows an input when something is wired into it
  return 0;
}

/**
 * The shape of one node as the editor draws it: { x, y (centre), w, h, inputs, outputs, lines, italic,
 * right (icon on the right), hidden (label hidden), junction, color }.
 */
export function nodeShape(node, measure, subflows, wiredTo) {
  const type = str(node.type);
  if (type === 'junction') {
    return { x: node.x, y: node.y, w: 0, h: 0, inputs: 1, outputs: 1, lines: [], junction: true };
  }
  const inputs = inputsOf(node, subflows, wiredTo);
  const outputs = outputsOf(node, subflows);
  const label = nodeLabel(node, subflows);
  const lines = label.split('\\n ');
  const italic = !!str(node.name) && (CORE.has(type) || type.startsWith('subflow:'));
  const linkType = type === 'link in' || type === 'link out';
  const hidden = node.l === false || (linkType && node.l !== true);
  let w;
  let h;
  if (hidden) {
    w = 30;
    h = Math.max(NODE_H, outputs * 15);
  } else {
    const textW = Math.max(...lines.map(l => measure(l, italic)));
    w = Math.max(NODE_W, GRID * Math.ceil((textW + 50 + (inputs > 0 ? 7 : 0)) / GRID));
    h = Math.max(NODE_H, 6 + 24 * lines.length, outputs * 15);
  }
  let color = COLORS[type] || '#dddddd';
  if (type.startsWith('subflow:')) {
    const def = subflows && subflows.get(type.slice(8));
    color = (def && def.color) || '#DDAA99';
  }
  const right = node.align === 'right' || (node.align === undefined && (RIGHT.has(type) || (inputs > 0 && outputs === 0
    && !CORE.has(type) && !type.startsWith('subflow:'))));
  return { x: node.x, y: node.y, w, h, inputs, outputs, lines, italic, right, hidden, color, label };
}

/**
 * The path of a wire from an output port at (x1, y1) to an input port at (x2, y2): forward a cubic curve
 * whose handles reach 75 px (less for short wires); backward it leaves to the right, turns back through the
 * middle (or under both ends when they are level) and enters the target from the left.
 */
export function wirePath(x1, y1, x2, y2) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const d = Math.sqrt(dx * dx + dy * dy);
  if (dx > 0) {
    const s = d < NODE_W ? 0.75 * d / NODE_W : 0.75;
    const k = NODE_W * s;
    return `M ${x1} ${y1} C ${x1 + k} ${y1} ${x2 - k} ${y2} ${x2} ${y2}`;
  }
  const s = 0.4 - 0.2 * Math.max(0, (NODE_W - Math.min(Math.abs(dx), Math.abs(dy))) / NODE_W);
  const k = NODE_W * s;
  const turn = Math.abs(dy) < 10 ? Math.max(y1, y2) + 25 : Math.floor(y2 - dy / 2);
  return `M ${x1} ${y1} C ${x1 + k} ${y1} ${x1 + k} ${turn} ${x1} ${turn}`
    + ` L ${x2} ${turn} C ${x2 - k} ${turn} ${x2 - k} ${y2} ${x2} ${y2}`;
}

/** id → node change, from a FlowDiffResult (its groups' nodes). */
export function changeIndex(diff) {
  const byId = new Map();
  for (const g of (diff && diff.groups) || []) {
    for (const n of g.nodes || []) byId.set(n.id, n);
  }
  return byId;
}

function indexFlows(flows) {
  const byId = new Map();
  for (const n of Array.isArray(flows) ? flows : []) {
    if (n && typeof n === 'object' && typeof n.id === 'string') byId.set(n.id, n);
  }
  return byId;
}

function drawable(n) {
  return isNum(n.x) && isNum(n.y) && !CONTAINER_TYPES.has(n.type);
}

/** The tabs and subflows both sides have, in the order the newer side lists them, the removed ones after. */
function containers(before, after, bIdx, aIdx) {
  const list = [];
  const seen = new Set();
  const add = (id, n, kind) => {
    if (!seen.has(id)) {
      seen.add(id);
      list.push({ id, kind, label: n ? str(kind === 'tab' ? n.label : n.name) : '' });
    }
  };
  for (const side of [after, before]) {
    for (const n of Array.isArray(side) ? side : []) {
      if (n && n.type === 'tab') add(n.id, n, 'tab');
    }
  }
  for (const side of [after, before]) {
    for (const n of Array.isArray(side) ? side : []) {
      if (n && n.type === 'subflow') add(n.id, n, 'subflow');
    }
  }
  // nodes whose z names neither a tab nor a subflow (clipboard exports): drawn on a tab of their own
  for (const side of [after, before]) {
    for (const n of Array.isArray(side) ? side : []) {
      if (n && typeof n.z === 'string' && n.z && !aIdx.has(n.z) && !bIdx.has(n.z) && drawable(n)) add(n.z, null, 'tab');
    }
  }
  return list;
}

/** Which ids are wired into, on one side of one container. */
function wiredTargets(nodes) {
  const to = new Set();
  for (const n of nodes) {
    for (const port of Array.isArray(n.wires) ? n.wires : []) {
      for (const t of Array.isArray(port) ? port : []) to.add(t);
    }
  }
  return to;
}

function wireSet(nodes, shapes) {
  const wires = new Map();
  for (const n of nodes) {
    (Array.isArray(n.wires) ? n.wires : []).forEach((port, i) => {
      for (const t of Array.isArray(port) ? port : []) {
        if (shapes.has(t)) wires.set(n.id + '\u0000' + i + '\u0000' + t, { from: n.id, port: i, to: t });
      }
    });
  }
  return wires;
}

function portY(shape, port) {
  const n = shape.outputs || 1;
  return shape.y - ((n - 1) / 2) * 13 + 13 * port;
}

function wireEnds(src, port, dst) {
  return [src.x + src.w / 2, src.junction ? src.y : portY(src, port), dst.x - dst.w / 2, dst.y];
}

/** A group's frame: its members (nodes and inner groups) with 26 px around them, or its saved box when empty. */
function groupFrames(groups, shapes, measure) {
  const frames = new Map();
  const byId = new Map(groups.map(g => [g.id, g]));
  const frameOf = (g, depth) => {
    if (frames.has(g.id)) return frames.get(g.id);
    if (depth > 50) return null;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const id of Array.isArray(g.nodes) ? g.nodes : []) {
      const inner = byId.get(id);
      if (inner) {
        const f = frameOf(inner, depth + 1);
        if (f) {
          minX = Math.min(minX, f.x - GROUP_MARGIN);
          minY = Math.min(minY, f.y - GROUP_MARGIN);
          maxX = Math.max(maxX, f.x + f.w + GROUP_MARGIN);
          maxY = Math.max(maxY, f.y + f.h + GROUP_MARGIN);
        }
        continue;
      }
      const s = shapes.get(id);
      if (!s) continue;
      const left = s.x - s.w / 2 - GROUP_MARGIN - (s.button === 'left' ? 20 : 0);
      const right = s.x + s.w / 2 + GROUP_MARGIN + (s.button === 'right' ? 20 : 0);
      minX = Math.min(minX, left);
      maxX = Math.max(maxX, right);
      minY = Math.min(minY, s.y - s.h / 2 - GROUP_MARGIN);
      maxY = Math.max(maxY, s.y + s.h / 2 + GROUP_MARGIN);
    }
    let f;
    if (minX === Infinity) {
      f = { x: isNum(g.x) ? g.x : 0, y: isNum(g.y) ? g.y : 0, w: isNum(g.w) ? g.w : 40, h: isNum(g.h) ? g.h : 40 };
      if (!Array.isArray(g.nodes) || g.nodes.length === 0) {
        f.w = 40;
        f.h = 40;
      }
    } else {
      f = { x: minX, y: minY, w: maxX - minX, h: maxY - minY };
    }
    const style = g.style || {};
    const name = str(g.name);
    f.lines = style.label && name ? name.split('\\n ') : [];
    f.pos = str(style['label-position']) || 'nw';
    if (f.lines.length) {
      const textW = Math.max(...f.lines.map(l => measure(l, false)));
      f.w = Math.max(f.w, textW + 8);
      const extra = (f.lines.length - 1) * 16 + (f.pos[0] === 's' ? 8 : 0);
      if (f.pos[0] === 'n') f.y -= (f.lines.length - 1) * 16;
      f.h += extra;
    }
    frames.set(g.id, f);
    return f;
  };
  // inner groups first, so an outer frame sees its children
  for (const g of groups) frameOf(g, 0);
  return frames;
}

function changeOf(changes, id) {
  const c = changes.get(id);
  return c ? c.kind : 'none';
}

function describeNode(node, shape, kind) {
  const type = str(node.type);
  const name = str(node.name);
  return (kind !== 'none' ? kind + ' ' : '') + type + (name ? ' "' + name + '"' : '') + ' (' + node.id + ')'
    + (shape && shape.label && shape.label !== name && shape.label !== type ? ': ' + shape.label : '');
}

/** The type shown above a named node; a subflow instance shows the subflow's name. */
function typeCaption(node, subflows) {
  const type = str(node.type);
  if (type.startsWith('subflow:')) {
    const def = subflows && subflows.get(type.slice(8));
    return 'subflow' + (def && str(def.name) ? ': ' + def.name : '');
  }
  return type;
}

function badge(kind, x, y) {
  const c = CHANGES[kind];
  if (!c) return null;
  return el('g', { class: 'fd-badge', transform: `translate(${x},${y})`, 'aria-hidden': 'true' },
    el('circle', { r: 8, fill: c.color, stroke: '#fff', 'stroke-width': 1.5 }),
    el('text', { 'text-anchor': 'middle', 'dominant-baseline': 'central', fill: '#fff', 'font-size': 11,
      'font-weight': 'bold', 'font-family': 'Arial, sans-serif' }, c.glyph));
}

/** One node: button, body, icon shade, label, ports, type caption, change outline and badge. */
function drawNode(node, shape, kind, opts) {
  const { x, y, w, h } = shape;
  const removed = kind === 'removed';
  const disabled = node.d === true || opts.tabDisabled;
  const g = el('g', {
    class: 'fd-node fd-' + kind + (removed ? ' fd-ghost-removed' : ''),
    transform: `translate(${x - w / 2},${y - h / 2})`,
    'data-node-id': node.id, 'data-change': kind, 'data-type': str(node.type), 'data-testid': 'flow-node',
    // marked nodes are tab stops; unmarked ones answer a click only, so a big flow is not a hundred stops
    tabindex: kind !== 'none' ? 0 : null, role: kind !== 'none' ? 'button' : null,
    'aria-label': kind !== 'none' ? describeNode(node, shape, kind) : null,
  });
  g.appendChild(el('title', {}, describeNode(node, shape, kind)));
  if (shape.junction) {
    g.setAttribute('transform', `translate(${x},${y})`);
    g.appendChild(el('rect', { x: -5, y: -5, width: 10, height: 10, rx: 3, fill: '#d9d9d9', stroke: '#999' }));
    if (kind !== 'none') {
      g.appendChild(el('rect', { class: 'fd-mark', x: -9, y: -9, width: 18, height: 18, rx: 5, fill: 'none',
        stroke: CHANGES[kind].color, 'stroke-width': 3, 'stroke-dasharray': removed ? '6,3' : null }));
    }
    return g;
  }
  if (shape.button === 'left') {
    g.appendChild(el('rect', { x: -26, y: 2, width: 32, height: h - 4, rx: 5, fill: '#eee', stroke: '#999' }));
    g.appendChild(el('rect', { x: -21, y: 6, width: 16, height: h - 12, rx: 4, fill: shape.color, stroke: '#999' }));
  } else if (shape.button === 'right') {
    const bx = node.active === false ? w - 14 : w - 6;
    g.appendChild(el('rect', { x: bx, y: 2, width: 32, height: h - 4, rx: 5, fill: '#eee', stroke: '#999',
      opacity: node.active === false ? 0.2 : null }));
    g.appendChild(el('rect', { x: bx + 11, y: 6, width: 16, height: h - 12, rx: 4, fill: shape.color, stroke: '#999',
      opacity: node.active === false ? 0.2 : null }));
  }
  g.appendChild(el('rect', { class: 'fd-body', width: w, height: h, rx: 5, fill: shape.color, stroke: '#999',
    'stroke-width': 1, 'fill-opacity': disabled ? 0.5 : null, 'stroke-dasharray': disabled ? '8,3' : null }));
  const iconX = shape.right ? w - 30 : 0;
  g.appendChild(el('rect', { x: iconX, y: 0, width: 30, height: h, rx: 5, fill: '#000', 'fill-opacity': 0.05 }));
  g.appendChild(el('line', { x1: shape.right ? w - 29.5 : 29.5, y1: 1, x2: shape.right ? w - 29.5 : 29.5, y2: h - 1,
    stroke: '#000', 'stroke-opacity': 0.1 }));
  if (!shape.hidden) {
    const lx = shape.right ? w - 38 : 38;
    shape.lines.forEach((line, i) => {
      g.appendChild(el('text', {
        class: 'fd-label', x: lx, y: h / 2 - 12 * shape.lines.length + 13 + 24 * i,
        'text-anchor': shape.right ? 'end' : 'start', 'dominant-baseline': 'middle', fill: '#333',
        'font-size': 14, 'font-family': "'Helvetica Neue', Arial, Helvetica, sans-serif",
        'font-style': shape.italic ? 'italic' : null,
      }, line));
    });
  }
  if (shape.inputs > 0) {
    g.appendChild(el('rect', { class: 'fd-port', x: -5, y: h / 2 - 5, width: 10, height: 10, rx: 3, fill: '#d9d9d9',
      stroke: '#999' }));
  }
  for (let i = 0; i < shape.outputs; i++) {
    const py = h / 2 - ((shape.outputs - 1) / 2) * 13 + 13 * i - 5;
    g.appendChild(el('rect', { class: 'fd-port', x: w - 5, y: py, width: 10, height: 10, rx: 3, fill: '#d9d9d9',
      stroke: '#999' }));
  }
  if (opts.typeCaptions && str(node.name) && shape.label !== str(node.type)) {
    g.appendChild(el('text', { class: 'fd-type', x: 0, y: -4, 'font-size': 10, fill: '#6e7781',
      'font-family': 'Arial, sans-serif' }, typeCaption(node, opts.subflows)));
  }
  if (kind !== 'none') {
    const c = CHANGES[kind];
    g.appendChild(el('rect', { class: 'fd-mark', x: -4, y: -4, width: w + 8, height: h + 8, rx: 8, fill: 'none',
      stroke: c.color, 'stroke-width': 3, 'stroke-dasharray': removed ? '7,4' : null }));
    g.appendChild(badge(kind, w + 2, -2));
  }
  if (removed) g.setAttribute('opacity', 0.6);
  return g;
}

/** Subflow definition ports: 40x40 boxes labelled input / output n / status. */
function subflowPorts(def) {
  const ports = [];
  if (!def) return ports;
  (Array.isArray(def.in) ? def.in : []).forEach((p, i) => {
    if (isNum(p.x) && isNum(p.y)) ports.push({ kind: 'in', i, p, label: 'input' });
  });
  (Array.isArray(def.out) ? def.out : []).forEach((p, i) => {
    if (isNum(p.x) && isNum(p.y)) ports.push({ kind: 'out', i, p, label: 'output ' + (i + 1) });
  });
  if (def.status && isNum(def.status.x) && isNum(def.status.y)) {
    ports.push({ kind: 'status', i: 0, p: def.status, label: 'status' });
  }
  return ports;
}

function drawPort(port) {
  const { x, y } = port.p;
  return el('g', { class: 'fd-subflow-port', transform: `translate(${x - 20},${y - 20})` },
    el('rect', { width: 40, height: 40, rx: 8, fill: '#eee', stroke: '#999' }),
    el('text', { x: 20, y: 20, 'text-anchor': 'middle', 'dominant-baseline': 'middle', 'font-size': 10, fill: '#333',
      'font-family': 'Arial, sans-serif' }, port.label));
}

function wireEl(d, cls, color, dashed, extra) {
  return el('g', { class: 'fd-wire ' + cls, ...(extra || {}) },
    el('path', { d, fill: 'none', stroke: '#fff', 'stroke-width': 5, 'stroke-opacity': 0.4 }),
    el('path', { d, fill: 'none', stroke: color, 'stroke-width': dashed ? 2.5 : 3,
      'stroke-dasharray': dashed ? '8,5' : null }));
}

/** Shapes of the drawable nodes of one side of one container, by id. */
function shapesOf(nodes, measure, subflows) {
  const wiredTo = wiredTargets(nodes);
  const shapes = new Map();
  for (const n of nodes) {
    const s = nodeShape(n, measure, subflows, wiredTo);
    if (n.type === 'inject') s.button = 'left';
    if (n.type === 'debug' && n.tosidebar !== false) s.button = 'right';
    shapes.set(n.id, s);
  }
  return shapes;
}

/**
 * Draws every tab and subflow of the two sides.
 *
 * @param before the older flows.json array (null or [] for none)
 * @param after the newer flows.json array
 * @param diff the semantic diff between them (FlowDiffResult JSON); null draws the newer side unmarked
 * @param opts { measure(text, italic) → px, onSelect(id, info), typeCaptions (default true) }
 * @returns [{ id, kind: "tab"|"subflow", label, state: "added"|"removed"|"changed"|"unchanged",
 *   counts: {added, removed, changed, moved, rewired}, svg: SVGSVGElement }]
 */
export function drawFlows(before, after, diff, opts = {}) {
  const measure = opts.measure || makeMeasure();
  const typeCaptions = opts.typeCaptions !== false;
  const changes = changeIndex(diff);
  const bIdx = indexFlows(before);
  const aIdx = indexFlows(after);
  const subflows = new Map();
  for (const idx of [bIdx, aIdx]) {
    for (const n of idx.values()) if (n.type === 'subflow') subflows.set(n.id, n);
  }
  const pictures = [];
  for (const c of containers(before, after, bIdx, aIdx)) {
    pictures.push(drawContainer(c, { bIdx, aIdx, changes, measure, subflows, typeCaptions, onSelect: opts.onSelect }));
  }
  return pictures;
}

function drawContainer(c, env) {
  const { bIdx, aIdx, changes, measure, subflows } = env;
  const inAfter = aIdx.has(c.id) || [...aIdx.values()].some(n => n.z === c.id);
  const inBefore = bIdx.has(c.id) || [...bIdx.values()].some(n => n.z === c.id);
  const ownerAfter = aIdx.get(c.id);
  const owner = ownerAfter || bIdx.get(c.id);
  const tabDisabled = !!(owner && owner.disabled === true);
  const afterNodes = [...aIdx.values()].filter(n => n.z === c.id && drawable(n));
  const beforeNodes = [...bIdx.values()].filter(n => n.z === c.id && drawable(n));
  const afterGroups = [...aIdx.values()].filter(n => n.z === c.id && n.type === 'group');
  const beforeGroups = [...bIdx.values()].filter(n => n.z === c.id && n.type === 'group');
  const aShapes = shapesOf(afterNodes, measure, subflows);
  const bShapes = shapesOf(beforeNodes, measure, subflows);
  // a removed node, or one that left this container, is drawn where it was
  const gone = beforeNodes.filter(n => !aShapes.has(n.id));
  const counts = { added: 0, removed: 0, changed: 0, moved: 0, rewired: 0 };

  const bounds = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  const grow = (x1, y1, x2, y2) => {
    bounds.minX = Math.min(bounds.minX, x1);
    bounds.minY = Math.min(bounds.minY, y1);
    bounds.maxX = Math.max(bounds.maxX, x2);
    bounds.maxY = Math.max(bounds.maxY, y2);
  };

  const layerGroups = el('g', { class: 'fd-groups' });
  const layerWires = el('g', { class: 'fd-wires' });
  const layerGhosts = el('g', { class: 'fd-ghosts' });
  const layerNodes = el('g', { class: 'fd-nodes' });

  // groups: the newer side's frames, then removed groups from the older side
  const drawGroups = (groups, shapes, removedOnly) => {
    const frames = groupFrames(groups, shapes, measure);
    for (const g of groups) {
      if (removedOnly && aIdx.has(g.id)) continue;
      const f = frames.get(g.id);
      const kind = removedOnly ? 'removed' : changeOf(changes, g.id);
      const style = g.style || {};
      const frame = el('g', { class: 'fd-group fd-' + kind, 'data-node-id': g.id, 'data-change': kind,
        'data-testid': 'flow-group', transform: `translate(${f.x},${f.y})` });
      frame.appendChild(el('title', {}, describeNode(g, null, kind)));
      frame.appendChild(el('rect', { width: f.w, height: f.h, rx: 4, 'stroke-width': 2,
        stroke: style.stroke || '#999', fill: style.fill || 'none',
        'stroke-opacity': style['stroke-opacity'], 'fill-opacity': style['fill-opacity'],
        'stroke-dasharray': tabDisabled ? '8,3' : null }));
      f.lines.forEach((line, i) => {
        const pos = f.pos;
        const tx = pos.length > 1 ? (pos[1] === 'e' ? f.w - 5 : 5) : f.w / 2;
        const anchor = pos.length > 1 ? (pos[1] === 'e' ? 'end' : 'start') : 'middle';
        const ty = pos[0] === 's' ? f.h - 5 - (f.lines.length - 1 - i) * 16 : 15 + 16 * i;
        frame.appendChild(el('text', { x: tx, y: ty, 'text-anchor': anchor, 'font-size': 14,
          fill: style.color || '#767676', 'font-family': "'Helvetica Neue', Arial, Helvetica, sans-serif" }, line));
      });
      if (kind !== 'none') {
        const ch = CHANGES[kind];
        frame.appendChild(el('rect', { class: 'fd-mark', x: -4, y: -4, width: f.w + 8, height: f.h + 8, rx: 6,
          fill: 'none', stroke: ch.color, 'stroke-width': 2, 'stroke-dasharray': '10,4' }));
        frame.appendChild(badge(kind, f.w + 2, -2));
        frame.setAttribute('tabindex', 0);
        frame.setAttribute('role', 'button');
        frame.setAttribute('aria-label', describeNode(g, null, kind));
        counts[kind]++;
      }
      grow(f.x, f.y, f.x + f.w, f.y + f.h);
      layerGroups.appendChild(frame);
    }
  };
  drawGroups(afterGroups, aShapes, false);
  drawGroups(beforeGroups, bShapes, true);

  // wires: unchanged grey, added green, removed red and dashed
  const aWires = wireSet(afterNodes, aShapes);
  const bWires = wireSet(beforeNodes, new Map([...bShapes, ...aShapes]));
  const shapeFor = id => aShapes.get(id) || bShapes.get(id);
  for (const [key, w] of aWires) {
    const [x1, y1, x2, y2] = wireEnds(aShapes.get(w.from), w.port, aShapes.get(w.to));
    const known = bWires.has(key) || !inBefore;
    const added = !known && (bShapes.has(w.from) || changeOf(changes, w.from) === 'added');
    const cls = added || !known ? 'fd-wire-added' : 'fd-wire-same';
    const disabledWire = (aIdx.get(w.from).d === true || aIdx.get(w.to).d === true || tabDisabled);
    layerWires.appendChild(wireEl(wirePath(x1, y1, x2, y2), cls,
      cls === 'fd-wire-added' ? CHANGES.added.color : disabledWire ? '#ccc' : '#999', disabledWire,
      { 'data-from': w.from, 'data-to': w.to }));
  }
  for (const [key, w] of bWires) {
    if (aWires.has(key)) continue;
    const src = aShapes.get(w.from) && aIdx.get(w.from).z === c.id ? aShapes.get(w.from) : bShapes.get(w.from);
    const dst = shapeFor(w.to);
    if (!src || !dst || (!aShapes.has(w.from) && !bShapes.has(w.from))) continue;
    const port = Math.min(w.port, Math.max(0, (src.outputs || 1) - 1));
    const [x1, y1, x2, y2] = wireEnds(src, port, dst);
    layerWires.appendChild(wireEl(wirePath(x1, y1, x2, y2), 'fd-wire-removed', CHANGES.removed.color, true,
      { 'data-from': w.from, 'data-to': w.to }));
  }

  // subflow definition ports and their wires
  if (c.kind === 'subflow') {
    const def = ownerAfter || bIdx.get(c.id);
    for (const port of subflowPorts(def)) {
      const { x, y } = port.p;
      grow(x - 20, y - 20, x + 20, y + 20);
      layerNodes.appendChild(drawPort(port));
      for (const wire of Array.isArray(port.p.wires) ? port.p.wires : []) {
        if (port.kind === 'in') {
          const dst = aShapes.get(wire.id);
          if (dst) layerWires.appendChild(wireEl(wirePath(x + 20, y, dst.x - dst.w / 2, dst.y), 'fd-wire-same', '#999'));
        } else {
          const src = aShapes.get(wire.id);
          if (src) {
            layerWires.appendChild(wireEl(wirePath(src.x + src.w / 2, portY(src, wire.port || 0), x - 20, y),
              'fd-wire-same', '#999'));
          }
        }
      }
    }
  }

  // where moved nodes were, and nodes that are gone
  for (const n of afterNodes) {
    const kind = changeOf(changes, n.id);
    const old = bShapes.get(n.id);
    const now = aShapes.get(n.id);
    if (old && (old.x !== now.x || old.y !== now.y) && kind !== 'none') {
      layerGhosts.appendChild(el('rect', { class: 'fd-was', 'data-testid': 'flow-ghost', 'data-node-id': n.id,
        x: old.x - old.w / 2, y: old.y - old.h / 2, width: old.w, height: old.h, rx: 5, fill: 'none',
        stroke: CHANGES.moved.color, 'stroke-width': 1.5, 'stroke-dasharray': '4,3' }));
      layerGhosts.appendChild(el('line', { class: 'fd-was', x1: old.x, y1: old.y, x2: now.x, y2: now.y,
        stroke: CHANGES.moved.color, 'stroke-width': 1.5, 'stroke-dasharray': '4,3',
        'marker-end': 'url(#fd-arrow-' + c.id.replace(/[^A-Za-z0-9_-]/g, '_') + ')' }));
      grow(old.x - old.w / 2, old.y - old.h / 2, old.x + old.w / 2, old.y + old.h / 2);
    }
  }
  for (const n of gone) {
    const s = bShapes.get(n.id);
    const left = aIdx.get(n.id);
    let g;
    if (left) {
      // moved to another tab: an outline where it was, saying where it went
      const there = str(left.z);
      const dest = aIdx.get(there);
      g = el('g', { class: 'fd-node fd-left', 'data-node-id': n.id, 'data-change': 'left', 'data-testid': 'flow-ghost',
        transform: `translate(${s.x - s.w / 2},${s.y - s.h / 2})` },
      el('title', {}, describeNode(n, s, 'none') + ' moved to ' + (dest ? str(dest.label || dest.name) : there)),
      el('rect', { width: s.w, height: s.h, rx: 5, fill: 'none', stroke: CHANGES.moved.color, 'stroke-width': 2,
        'stroke-dasharray': '4,3' }),
      el('text', { x: 8, y: s.h / 2, 'dominant-baseline': 'middle', 'font-size': 11, fill: CHANGES.moved.color,
        'font-family': 'Arial, sans-serif' }, '→ ' + (dest ? str(dest.label || dest.name) || there : there)));
    } else {
      g = drawNode(n, s, 'removed', { typeCaptions: env.typeCaptions, subflows, tabDisabled });
      counts.removed++;
    }
    grow(s.x - s.w / 2 - 30, s.y - s.h / 2 - 14, s.x + s.w / 2 + 30, s.y + s.h / 2 + 6);
    layerNodes.appendChild(g);
  }
  for (const n of afterNodes) {
    const s = aShapes.get(n.id);
    const kind = changeOf(changes, n.id);
    if (kind !== 'none') counts[kind]++;
    grow(s.x - s.w / 2 - 30, s.y - s.h / 2 - 14, s.x + s.w / 2 + 30, s.y + s.h / 2 + 6);
    layerNodes.appendChild(drawNode(n, s, kind, { typeCaptions: env.typeCaptions, subflows, tabDisabled }));
  }
  if (bounds.minX === Infinity) grow(0, 0, 200, 80);

  const x0 = Math.floor((bounds.minX - PAD) / GRID) * GRID;
  const y0 = Math.floor((bounds.minY - PAD) / GRID) * GRID;
  const width = Math.ceil((bounds.maxX + PAD - x0) / GRID) * GRID;
  const height = Math.ceil((bounds.maxY + PAD - y0) / GRID) * GRID;
  const safe = c.id.replace(/[^A-Za-z0-9_-]/g, '_');
  const state = !inAfter ? 'removed' : !inBefore && (aIdx.has(c.id) || afterNodes.length) ? 'added'
    : Object.values(counts).some(v => v > 0) || changes.has(c.id) ? 'changed' : 'unchanged';
  const title = (c.kind === 'subflow' ? 'Subflow ' : 'Flow ') + (c.label || c.id) + ' (' + state + ')';
  const svg = el('svg', {
    xmlns: NS, class: 'fd-svg', viewBox: `${x0} ${y0} ${width} ${height}`, width, height,
    role: 'group', 'aria-label': title, 'data-testid': 'flow-picture', 'data-tab-id': c.id, 'data-state': state,
  },
  el('title', {}, title),
  el('defs', {},
    el('pattern', { id: 'fd-grid-' + safe, width: GRID, height: GRID, patternUnits: 'userSpaceOnUse' },
      el('path', { d: `M ${GRID} 0 L 0 0 0 ${GRID}`, fill: 'none', stroke: '#eee', 'stroke-width': 1 })),
    el('marker', { id: 'fd-arrow-' + safe, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
      orient: 'auto-start-reverse' }, el('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: CHANGES.moved.color }))),
  el('rect', { x: x0, y: y0, width, height, fill: '#fff' }),
  el('rect', { x: x0, y: y0, width, height, fill: `url(#fd-grid-${safe})` }),
  layerGroups, layerWires, layerGhosts, layerNodes);

  if (env.onSelect) {
    const pick = target => {
      const hit = target && target.closest && target.closest('[data-node-id]');
      if (hit && svg.contains(hit) && hit.getAttribute('data-testid') !== 'flow-ghost') {
        env.onSelect(hit.getAttribute('data-node-id'), { change: hit.getAttribute('data-change'), element: hit, tab: c.id });
      }
    };
    svg.addEventListener('click', e => pick(e.target));
    svg.addEventListener('keydown', e => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        pick(e.target);
      }
    });
  }
  return { id: c.id, kind: c.kind, label: c.label || c.id, state, counts, svg };
}

/** Marks the node with `id` as selected in `svg` (and no other). */
export function selectNode(svg, id) {
  for (const e of svg.querySelectorAll('.fd-selected')) e.classList.remove('fd-selected');
  if (id === null || id === undefined) return;
  for (const e of svg.querySelectorAll('[data-node-id]')) {
    if (e.getAttribute('data-node-id') === id && e.getAttribute('data-testid') !== 'flow-ghost') {
      e.classList.add('fd-selected');
    }
  }
}

/** The legend: a swatch and the glyph of each kind of change, with counts when given. */
export function legend(counts) {
  const box = document.createElement('ul');
  box.className = 'fd-legend';
  box.setAttribute('data-testid', 'flow-legend');
  box.setAttribute('aria-label', 'Legend');
  for (const [kind, c] of Object.entries(CHANGES)) {
    const li = document.createElement('li');
    li.setAttribute('data-kind', kind);
    const sw = document.createElement('span');
    sw.className = 'fd-swatch fd-swatch-' + kind;
    sw.style.borderColor = c.color;
    sw.style.background = kind === 'removed' ? '#fff' : c.color + '22';
    if (kind === 'removed') sw.style.borderStyle = 'dashed';
    const glyph = document.createElement('span');
    glyph.className = 'fd-glyph';
    glyph.style.background = c.color;
    glyph.textContent = c.glyph;
    glyph.setAttribute('aria-hidden', 'true');
    sw.appendChild(glyph);
    li.appendChild(sw);
    li.appendChild(document.createTextNode(' ' + c.text + (counts && counts[kind] !== undefined ? ' (' + counts[kind] + ')' : '')));
    box.appendChild(li);
  }
  const wires = [['fd-wire-added', CHANGES.added.color, 'wire added', false],
    ['fd-wire-removed', CHANGES.removed.color, 'wire removed', true]];
  for (const [cls, color, text, dashed] of wires) {
    const li = document.createElement('li');
    li.setAttribute('data-kind', cls);
    const line = document.createElement('span');
    line.className = 'fd-wire-swatch';
    line.style.borderTop = '3px ' + (dashed ? 'dashed ' : 'solid ') + color;
    li.appendChild(line);
    li.appendChild(document.createTextNode(' ' + text));
    box.appendChild(li);
  }
  const was = document.createElement('li');
  was.setAttribute('data-kind', 'was');
  const ws = document.createElement('span');
  ws.className = 'fd-swatch';
  ws.style.border = '2px dashed ' + CHANGES.moved.color;
  was.appendChild(ws);
  was.appendChild(document.createTextNode(' where a moved node was'));
  box.appendChild(was);
  return box;
}
