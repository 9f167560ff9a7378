// #/t/{team}/{kind}/{name}/compare/{from}/{to}: the semantic diff between two commits of a target, as a
// picture of the flows and as a list (lib/diffview.js).
import { h, clear, shortSha } from '../lib/dom.js';
import { diffView } from '../lib/diffview.js';

const enc = encodeURIComponent;

export async function render(root, ctx) {
  const { api, team, params, ui } = ctx;
  ui.useCss('review.css');
  const { kind, name, from, to } = params;
  const target = `teams/${enc(team)}/${enc(kind)}/${enc(name)}`;
  clear(root);
  const page = h('div', { class: 'rv-page cmp-page', 'data-testid': 'compare-page' });
  root.appendChild(page);
  page.appendChild(h('h1', {}, 'Compare ', h('code', { title: from, text: shortSha(from) }), ' → ',
    h('code', { title: to, text: shortSha(to) })));
  page.appendChild(h('p', { class: 'rv-meta' },
    h('a', { href: `#/t/${enc(team)}/${enc(kind)}/${enc(name)}/snapshots`, text: 'Snapshots of ' + name }),
    ' · ', h('a', { href: `#/t/${enc(team)}/${enc(kind)}/${enc(name)}/compare/${enc(to)}/${enc(from)}`,
      'data-testid': 'compare-swap', text: 'swap sides' })));
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'rv-loading', text: 'Comparing…' }));
  page.appendChild(body);

  let diff;
  try {
    diff = await api.get(`${target}/compare?from=${enc(from)}&to=${enc(to)}`);
  } catch (e) {
    clear(body);
    body.removeAttribute('aria-busy');
    body.appendChild(ui.errorBox(e));
    return;
  }
  let before = null;
  let after = null;
  let pictureError = null;
  try {
    const [a, b] = await Promise.all([api.get(`${target}/snapshots/${enc(from)}`), api.get(`${target}/snapshots/${enc(to)}`)]);
    before = flowsOf(a);
    after = flowsOf(b);
  } catch (e) {
    pictureError = e;
  }
  clear(body);
  body.removeAttribute('aria-busy');
  body.appendChild(diffView({ before, after, diff, pictureError, errorBox: ui.errorBox }).element);
}

/** The flows array of a snapshot detail (files["flows.json"]); an absent file is no flows. */
function flowsOf(snapshot) {
  const flows = snapshot && snapshot.files ? snapshot.files['flows.json'] : null;
  if (flows === undefined || flows === null) return [];
  if (!Array.isArray(flows)) throw new Error('flows.json of snapshot ' + shortSha(snapshot.id) + ' is not a JSON array');
  return flows;
}
