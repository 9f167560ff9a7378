// The picture and the list of one diff, side by side: a strip of tabs (flows and subflows, the changed ones
// marked), the selected tab drawn by flowdraw.js with its legend, the detail of the clicked node, and the
// diff as a list whose entries jump to their node in the picture.
import { h, clear } from './dom.js';
import { drawFlows, selectNode, legend } from './flowdraw.js';
import { diffList, nodeDetail, flowIndex } from './difflist.js';

/**
 * @param before flows.json array of the older side (null when unknown: then only the list is shown)
 * @param after flows.json array of the newer side
 * @param diff FlowDiffResult JSON
 * @param pictureError an ApiError or message to show instead of the picture, when the flows could not be read
 */
export function diffView({ before, after, diff, pictureError, errorBox }) {
  const flows = after ? { before: flowIndex(before), after: flowIndex(after) } : null;
  const changes = new Map();
  for (const g of (diff && diff.groups) || []) for (const n of g.nodes || []) changes.set(n.id, n);

  const detail = h('div', { class: 'dv-detail', 'data-testid': 'node-detail-panel' },
    h('p', { class: 'dv-hint', text: 'Select a node in the picture to see what changed.' }));
  // scrolls at actual size: a tab stop of its own, so the keyboard can scroll it (the picture's tab labels it)
  const canvas = h('div', { class: 'dv-canvas', 'data-testid': 'picture-canvas', tabindex: '0', role: 'region' });
  const strip = h('div', { class: 'dv-tabs', role: 'tablist', 'aria-label': 'Flows' });
  let current = null;
  let selectedId = null;

  const showDetail = id => {
    selectedId = id;
    clear(detail);
    detail.appendChild(nodeDetail(id, changes.get(id) || null, flows));
    if (current) selectNode(current.svg, id);
  };

  const pictures = flows ? drawFlows(before || [], after || [], diff, { onSelect: id => showDetail(id) }) : [];
  const tabButtons = new Map();

  const showTab = (id, focus) => {
    const pic = pictures.find(p => p.id === id);
    if (!pic) return;
    current = pic;
    for (const [pid, b] of tabButtons) {
      b.setAttribute('aria-selected', pid === id ? 'true' : 'false');
      b.setAttribute('tabindex', pid === id ? '0' : '-1');
    }
    clear(canvas);
    canvas.setAttribute('aria-labelledby', 'dv-tab-' + cssId(id));
    canvas.appendChild(pic.svg);
    if (selectedId) selectNode(pic.svg, selectedId);
    if (focus) tabButtons.get(id).focus();
  };

  for (const p of pictures) {
    const marks = Object.values(p.counts).reduce((a, b) => a + b, 0);
    const b = h('button', {
      type: 'button', role: 'tab', id: 'dv-tab-' + cssId(p.id), class: 'dv-tab dv-tab-' + p.state,
      'data-testid': 'picture-tab', 'data-tab-id': p.id, 'data-state': p.state, 'aria-selected': 'false',
      on: { click: () => showTab(p.id) },
    }, h('span', { class: 'dv-dot', 'aria-hidden': 'true' }),
    (p.kind === 'subflow' ? 'Subflow: ' : '') + p.label,
    p.state === 'unchanged' ? null : h('span', { class: 'dv-tab-state', text: ' ' + (p.state === 'changed' ? marks : p.state) }));
    tabButtons.set(p.id, b);
    strip.appendChild(b);
  }
  strip.addEventListener('keydown', e => {
    if (!current || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    const i = pictures.indexOf(current);
    const next = pictures[(i + (e.key === 'ArrowRight' ? 1 : pictures.length - 1)) % pictures.length];
    e.preventDefault();
    showTab(next.id, true);
  });

  const fit = h('button', { type: 'button', class: 'dv-fit', 'data-testid': 'picture-fit', 'aria-pressed': 'true',
    text: 'Actual size', on: { click: () => {
      const actual = canvas.classList.toggle('dv-actual');
      fit.setAttribute('aria-pressed', actual ? 'false' : 'true');
      fit.textContent = actual ? 'Fit to width' : 'Actual size';
    } } });

  const jump = (id, groupId) => {
    const pic = pictures.find(p => p.id === groupId) || pictures.find(p => p.svg.querySelector(`[data-node-id="${cssEsc(id)}"]`));
    if (pic) showTab(pic.id);
    showDetail(id);
    const hit = current && current.svg.querySelector(`[data-node-id="${cssEsc(id)}"][data-testid="flow-node"]`);
    if (hit && hit.scrollIntoView) hit.scrollIntoView({ block: 'center', inline: 'center' });
    pictureSection.scrollIntoView && pictureSection.scrollIntoView({ block: 'start' });
  };

  let pictureBody;
  if (pictureError) {
    pictureBody = errorBox ? errorBox(pictureError) : h('p', { class: 'dv-error', role: 'alert', text: String(pictureError.message || pictureError) });
  } else if (!pictures.length) {
    pictureBody = h('p', { class: 'dv-hint', text: 'Neither side has flows to draw.' });
  } else {
    pictureBody = h('div', { class: 'dv-body' },
      h('div', { class: 'dv-main' }, h('div', { class: 'dv-toolbar' }, strip, fit), canvas),
      h('aside', { class: 'dv-side' }, legend(diff && diff.counts), detail));
  }
  const pictureSection = h('section', { class: 'dv-picture', 'data-testid': 'diff-picture', 'aria-label': 'Picture of the flows' },
    h('h2', { text: 'Picture' }), pictureBody);
  const listSection = h('section', { class: 'dv-list', 'aria-label': 'List of changes' },
    h('h2', { text: 'Changes' }), diffList(diff, { flows, onNode: pictures.length ? jump : null }));

  const first = pictures.find(p => p.state !== 'unchanged') || pictures[0];
  if (first) showTab(first.id);

  return { element: h('div', { class: 'dv' }, pictureSection, listSection), select: jump, pictures };
}

function cssId(id) {
  return String(id).replace(/[^A-Za-z0-9_-]/g, '_');
}

function cssEsc(id) {
  return window.CSS && CSS.escape ? CSS.escape(id) : String(id).replace(/["\\]/g, '\\$&');
}
