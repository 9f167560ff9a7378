// #/t/{team}/pipelines: the team's pipelines, and a form for owners to create one.
import { clear } from '../lib/dom.js';
import { el, seg } from './runparts.js';

export async function render(root, ctx) {
  const { api, ui, team } = ctx;
  ui.useCss('css/pipeline.css');
  const list = el('ul', { class: 'pipeline-list', 'data-testid': 'pipeline-list', 'aria-label': `Pipelines of ${team}` });
  const tools = el('div', { class: 'pipeline-create' });
  clear(root);
  root.append(el('div', { class: 'pipelines-page' },
    ui.pageHeader(`Pipelines of ${team}`), list, tools));
  let disposed = false;

  async function load() {
    const page = await api.get(`teams/${seg(team)}/pipelines?limit=100`);
    if (disposed) return;
    clear(list);
    const items = page.items || [];
    if (items.length === 0) list.append(el('li', { class: 'muted', 'data-testid': 'pipelines-empty' }, 'No pipelines yet.'));
    for (const p of items) {
      const stages = (p.stages || []).map((s) => s.name);
      list.append(el('li', { class: 'pipeline-item', 'data-testid': `pipeline-${p.name}` },
        el('a', { href: `#/t/${seg(team)}/pipelines/${seg(p.name)}`, class: 'pipeline-link' }, p.name),
        ' ',
        p.paused ? ui.badge('paused', 'warn') : null,
        el('span', { class: 'pipeline-stages-summary' },
          stages.length ? stages.join(' ➜ ') : 'no stages'),
        p.application ? el('span', { class: 'muted' }, ` · application ${p.application}`) : null));
    }
  }

  async function createForm() {
    const nameIn = el('input', { id: 'pl-new-name', required: 'required', autocomplete: 'off',
      'data-testid': 'new-pipeline-name' });
    const appSel = el('select', { id: 'pl-new-app', 'data-testid': 'new-pipeline-application' });
    const concSel = el('select', { id: 'pl-new-conc', 'data-testid': 'new-pipeline-concurrency' },
      el('option', { value: 'queue' }, 'queue: one run at a time, in order'),
      el('option', { value: 'allow' }, 'allow: runs in parallel'),
      el('option', { value: 'forbid' }, 'forbid: refuse a deploy while a run is pending'));
    const err = el('div', { class: 'inline-error', 'data-testid': 'new-pipeline-error' });
    try {
      const apps = (await api.get(`teams/${seg(team)}/applications?limit=100`)).items || [];
      for (const a of apps) appSel.append(el('option', { value: a.name }, a.name));
    } catch (e) {
      err.append(ui.errorBox(e));
    }
    const form = el('form', { class: 'pipeline-form', 'aria-labelledby': 'pl-new-h', 'data-testid': 'new-pipeline' },
      el('h2', { id: 'pl-new-h' }, 'New pipeline'),
      el('p', { class: 'hint' }, 'Create it, then add its stages on its page.'),
      el('div', { class: 'field' }, el('label', { for: 'pl-new-name' }, 'Name'), nameIn),
      el('div', { class: 'field' }, el('label', { for: 'pl-new-app' }, 'Application'), appSel),
      el('div', { class: 'field' }, el('label', { for: 'pl-new-conc' }, 'Concurrency'), concSel),
      el('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'new-pipeline-submit' }, 'Create pipeline'),
      err);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clear(err);
      const body = { name: nameIn.value.trim(), concurrency: concSel.value, stages: [] };
      if (appSel.value) body.application = appSel.value;
      try {
        const p = await api.post(`teams/${seg(team)}/pipelines`, body);
        ui.toast(`Pipeline ${p.name} created`);
        ctx.navigate(`#/t/${seg(team)}/pipelines/${seg(p.name)}`);
      } catch (ex) {
        err.append(ui.errorBox(ex));
      }
    });
    return form;
  }

  try {
    await load();
  } catch (e) {
    list.replaceWith(ui.errorBox(e));
    return undefined;
  }
  if (ctx.role === 'owner') tools.append(await createForm());
  const off = ctx.live.on('audit', (ev) => {
    if (ev.data && typeof ev.data.action === 'string' && ev.data.action.startsWith('pipeline')) {
      load().catch(() => {});
    }
  });
  return () => {
    disposed = true;
    off();
  };
}
