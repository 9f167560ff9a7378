// The semantic diff (FlowDiffResult JSON) as a list: counts, node changes by tab and subflow with their
// property diffs (values from the flows of both sides when given) and code as a line diff, modules, env keys.
import { h } from './dom.js';
import { CHANGES } from './flowdraw.js';

const MAX_VALUE = 400;

function kindBadge(kind) {
  const c = CHANGES[kind];
  return h('span', { class: 'dl-kind dl-kind-' + kind, 'data-kind': kind, text: c ? c.glyph + ' ' + c.text : kind });
}

function show(value) {
  if (value === undefined) return '(absent)';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, null, 0);
  return text.length > MAX_VALUE ? text.slice(0, MAX_VALUE) + '…' : text;
}

/** The hunks of a unified diff, one row per line, added and removed lines marked. */
export function lineDiff(text) {
  const rows = [];
  const lines = String(text.unified || '').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  let oldNo = 0;
  let newNo = 0;
  for (const line of lines) {
    const m = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (m) {
      oldNo = Number(m[1]);
      newNo = Number(m[2]);
      rows.push(h('tr', { class: 'ld-hunk' }, h('td', { class: 'ld-no' }), h('td', { class: 'ld-no' }),
        h('td', { class: 'ld-code', text: line })));
      continue;
    }
    const sign = line[0];
    const cls = sign === '+' ? 'ld-add' : sign === '-' ? 'ld-del' : sign === '\\' ? 'ld-note' : 'ld-ctx';
    const a = sign === '+' || sign === '\\' ? '' : String(oldNo++);
    const b = sign === '-' || sign === '\\' ? '' : String(newNo++);
    rows.push(h('tr', { class: cls }, h('td', { class: 'ld-no', text: a }), h('td', { class: 'ld-no', text: b }),
      h('td', { class: 'ld-code', text: line })));
  }
  return h('div', { class: 'ld', 'data-testid': 'line-diff', 'data-property': text.property },
    h('div', { class: 'ld-head' }, h('code', { text: text.property }),
      h('span', { class: 'ld-stat', text: ` +${text.linesAdded} −${text.linesRemoved}` })),
    h('div', { class: 'ld-scroll', tabindex: '0', role: 'region', 'aria-label': 'line diff of ' + text.property },
      h('table', { class: 'ld-table' }, h('tbody', {}, ...rows))));
}

/** Before and after of each changed property; code properties (those with a text diff) as a line diff. */
export function propertyDiff(change, beforeNode, afterNode) {
  const texts = new Map((change.texts || []).map(t => [t.property, t]));
  const rows = [];
  for (const p of change.properties || []) {
    if (texts.has(p)) continue;
    const a = beforeNode ? beforeNode[p] : undefined;
    const b = afterNode ? afterNode[p] : undefined;
    rows.push(h('tr', { 'data-property': p }, h('th', { scope: 'row' }, h('code', { text: p })),
      h('td', { class: 'pd-before' }, h('code', { text: beforeNode ? show(a) : '' })),
      h('td', { class: 'pd-after' }, h('code', { text: afterNode ? show(b) : '' }))));
  }
  const parts = [];
  if (rows.length) {
    parts.push(h('table', { class: 'pd-table', 'data-testid': 'property-diff' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'property' }), h('th', { scope: 'col', text: 'before' }),
        h('th', { scope: 'col', text: 'after' }))),
      h('tbody', {}, ...rows)));
  }
  for (const t of change.texts || []) parts.push(lineDiff(t));
  return parts;
}

function nodeTitle(change) {
  return h('span', { class: 'dl-node-title' },
    h('code', { class: 'dl-type', text: change.type || '?' }),
    change.name ? h('span', { class: 'dl-name', text: ' "' + change.name + '"' }) : null,
    h('span', { class: 'dl-id', text: ' ' + change.id }));
}

function wiresText(wires) {
  return wires === null || wires === undefined ? '(none)' : JSON.stringify(wires);
}

/** Everything about one node change; `flows` = { before: Map id→node, after: Map id→node } or null. */
export function changeBody(change, flows) {
  const before = flows ? flows.before.get(change.id) : null;
  const after = flows ? flows.after.get(change.id) : null;
  const parts = [];
  if (change.movedFrom) {
    parts.push(h('p', { class: 'dl-note', text: 'moved here from ' + (change.movedFrom.label ? '"' + change.movedFrom.label
      + '"' : change.movedFrom.id) }));
  }
  switch (change.kind) {
    case 'changed':
      parts.push(h('p', { class: 'dl-props', text: 'properties: ' + (change.properties || []).join(', ') }));
      parts.push(...propertyDiff(change, before, after));
      break;
    case 'moved':
      if (before && after) {
        parts.push(h('p', { class: 'dl-note', text: `from x ${before.x}, y ${before.y} to x ${after.x}, y ${after.y}` }));
      }
      break;
    case 'rewired':
      if (change.wires) {
        parts.push(h('p', { class: 'dl-note' }, 'wires ', h('code', { text: wiresText(change.wires.before) }), ' → ',
          h('code', { text: wiresText(change.wires.after) })));
      }
      break;
    default:
      break;
  }
  if (change.kind === 'changed' && change.wires) {
    parts.push(h('p', { class: 'dl-note' }, 'wires ', h('code', { text: wiresText(change.wires.before) }), ' → ',
      h('code', { text: wiresText(change.wires.after) })));
  }
  return parts;
}

/**
 * The detail of one node, for a click in the picture: its change (or that it is unchanged) and, for added
 * and removed nodes, their properties.
 */
export function nodeDetail(id, change, flows) {
  const before = flows ? flows.before.get(id) : null;
  const after = flows ? flows.after.get(id) : null;
  const node = after || before || { id };
  const kind = change ? change.kind : 'none';
  const title = change || { id, type: node.type, name: node.name };
  const body = [];
  if (!change) {
    body.push(h('p', { class: 'dl-note', text: 'This node is the same on both sides.' }));
  } else {
    body.push(...changeBody(change, flows));
    if ((kind === 'added' || kind === 'removed') && node) {
      const rows = Object.keys(node).filter(k => !['id', 'z', 'wires', 'x', 'y'].includes(k)).map(k =>
        h('tr', {}, h('th', { scope: 'row' }, h('code', { text: k })), h('td', {}, h('code', { text: show(node[k]) }))));
      if (rows.length) {
        body.push(h('table', { class: 'pd-table', 'data-testid': 'node-properties' }, h('tbody', {}, ...rows)));
      }
    }
  }
  return h('section', { class: 'dl-detail', 'data-testid': 'node-detail', 'data-node-id': id, 'data-change': kind,
    'aria-live': 'polite' },
  h('h3', {}, change ? kindBadge(kind) : h('span', { class: 'dl-kind dl-kind-none', text: 'unchanged' }), ' ',
    nodeTitle(title)),
  ...body);
}

function countsLine(counts) {
  const parts = Object.keys(CHANGES).map(k => h('span', { class: 'dl-count', 'data-kind': k },
    kindBadge(k), ' ' + (counts ? counts[k] || 0 : 0)));
  return h('p', { class: 'dl-counts', 'data-testid': 'diff-counts' }, ...parts);
}

function groupTitle(g) {
  if (g.kind === 'global') return 'Configuration nodes';
  return (g.kind === 'subflow' ? 'Subflow ' : g.kind === 'tab' ? 'Flow ' : '') + (g.label ? '"' + g.label + '"' : g.id);
}

/**
 * The whole diff as a list. opts: { flows: {before: Map, after: Map} for property values,
 * onNode(id) called when a node's "show in picture" link is used }.
 */
export function diffList(diff, opts = {}) {
  if (!diff) {
    return h('p', { class: 'dl-empty', 'data-testid': 'diff-list', text: 'The diff of this change cannot be read.' });
  }
  const empty = !(diff.groups || []).length && !(diff.modules || []).length
    && !((diff.env && ((diff.env.added || []).length + (diff.env.removed || []).length + (diff.env.changed || []).length)));
  const root = h('div', { class: 'dl', 'data-testid': 'diff-list' });
  root.appendChild(countsLine(diff.counts));
  if (empty) {
    root.appendChild(h('p', { class: 'dl-empty', text: 'No changes.' }));
    return root;
  }
  for (const g of diff.groups || []) {
    const items = (g.nodes || []).map(n => {
      const body = changeBody(n, opts.flows || null);
      const head = h('div', { class: 'dl-item-head' }, kindBadge(n.kind), ' ', nodeTitle(n),
        opts.onNode ? h('button', { type: 'button', class: 'dl-show',
          'aria-label': 'show ' + (n.name || n.type) + ' in the picture', on: { click: () => opts.onNode(n.id, g.id) },
          text: 'show' }) : null);
      return h('li', { class: 'dl-item dl-item-' + n.kind, 'data-testid': 'diff-node', 'data-node-id': n.id,
        'data-change': n.kind }, head, ...body);
    });
    root.appendChild(h('section', { class: 'dl-group', 'data-group-id': g.id },
      h('h3', { text: groupTitle(g) }), h('ul', { class: 'dl-items' }, ...items)));
  }
  if ((diff.modules || []).length) {
    root.appendChild(h('section', { class: 'dl-group', 'data-testid': 'diff-modules' }, h('h3', { text: 'Modules' }),
      h('ul', { class: 'dl-items' }, ...diff.modules.map(m => h('li', { class: 'dl-item dl-item-' + m.change },
        kindBadge(m.change), ' ', h('code', { text: m.module }), ' ',
        h('span', { text: m.change === 'added' ? m.after : m.change === 'removed' ? m.before : m.before + ' → ' + m.after })
      )))));
  }
  const env = diff.env || {};
  const keys = [['added', env.added || []], ['removed', env.removed || []], ['changed', env.changed || []]];
  if (keys.some(([, k]) => k.length)) {
    root.appendChild(h('section', { class: 'dl-group', 'data-testid': 'diff-env' }, h('h3', { text: 'Environment keys' }),
      h('ul', { class: 'dl-items' }, ...keys.flatMap(([kind, list]) => list.map(k =>
        h('li', { class: 'dl-item dl-item-' + kind }, kindBadge(kind), ' ', h('code', { text: k })))))));
  }
  return root;
}

/** id → node of a flows.json array. */
export function flowIndex(flows) {
  const m = new Map();
  for (const n of Array.isArray(flows) ? flows : []) {
    if (n && typeof n.id === 'string') m.set(n.id, n);
  }
  return m;
}
