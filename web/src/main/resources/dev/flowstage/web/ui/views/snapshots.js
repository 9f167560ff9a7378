// #/t/{team}/{kind}/{name}/snapshots: a target's snapshot timeline, compare, export/import, create.
import { clear, fmtAge, shortSha } from '../lib/dom.js';
import { add, el, seg } from './runparts.js';

const KINDS = ['instances', 'devices', 'groups'];

export async function render(root, ctx) {
  const { api, ui, team } = ctx;
  const { kind, name } = ctx.params;
  const base = `teams/${seg(team)}/${seg(kind)}/${seg(name)}`;
  const member = ctx.role === 'owner' || ctx.role === 'member';
  const at = ctx.params.at || null;
  ui.useCss('css/snapshots.css');

  const state = { target: null, items: [], next: null, from: null, to: null };
  const sourceKinds = new Map();
  const timeline = el('ol', { class: 'timeline', 'data-testid': 'timeline', 'aria-label': `Snapshots of ${name}, newest first` });
  const compareBar = el('div', { class: 'compare-bar', 'data-testid': 'compare-bar' });
  const more = el('div', { class: 'timeline-more' });
  const tools = el('div', { class: 'snapshot-tools' });
  let disposed = false;
  let timer = null;

  clear(root);
  root.append(el('div', { class: 'snapshots-page' },
    el('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      el('a', { href: `#/t/${seg(team)}` }, team), ' / ', `${kind.replace(/s$/, '')} ${name}`),
    ui.pageHeader(`Snapshots of ${name}`),
    tools, el('h2', { class: 'timeline-heading' }, 'Timeline'), compareBar, timeline, more));

  async function load() {
    const [target, page] = await Promise.all([
      state.target ? state.target : api.get(base), api.get(`${base}/snapshots?limit=50`)]);
    if (disposed) return;
    state.target = target;
    state.items = page.items || [];
    state.next = page.next;
    // until the user picks, compare the newest with the one before it; a pick stays while it is listed
    const listed = (id) => state.items.some((s) => s.id === id);
    if (!state.picked || !listed(state.to) || !listed(state.from)) {
      state.picked = false;
      state.to = state.items[0] ? state.items[0].id : null;
      state.from = state.items[1] ? state.items[1].id : null;
    }
    drawTools();
    drawTimeline();
  }

  function scheduleRefresh() {
    clearTimeout(timer);
    timer = setTimeout(() => load().catch((e) => tools.append(ui.errorBox(e))), 150);
  }

  // --- create and import -------------------------------------------------------------------------------
  function drawTools() {
    if (tools.childElementCount) return; // forms keep what the user typed across live refreshes
    const t = state.target;
    if (t.protected) tools.append(el('p', {}, ui.badge('Protected', 'warn'),
      ' Its main changes only through pipelines and approved reviews.'));
    if (!member) return;
    tools.append(createForm(t));
    if (kind === 'instances' && !t.protected) tools.append(importForm());
  }

  function createForm(t) {
    const live = kind === 'instances' && t.nodeRed;
    const nameIn = el('input', { id: 'snap-new-name', required: 'required', autocomplete: 'off',
      'data-testid': 'create-name', pattern: '[A-Za-z0-9._/-]{1,100}' });
    const descIn = el('textarea', { id: 'snap-new-desc', rows: '2', 'data-testid': 'create-description' });
    const err = el('div', { class: 'inline-error', 'data-testid': 'create-error' });
    const submit = el('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'create-snapshot' },
      live ? 'Create snapshot from the live flows' : 'Name the current snapshot');
    const form = el('form', { class: 'snapshot-form', 'aria-labelledby': 'snap-create-h' },
      el('h2', { id: 'snap-create-h' }, live ? 'Create snapshot' : 'Name a snapshot'),
      el('p', { class: 'hint' }, live
        ? `Reads the flows running in Node-RED (${t.nodeRed.url}) and commits them when they differ from main.`
        : 'Tags the current main with a name.'),
      el('div', { class: 'field' }, el('label', { for: 'snap-new-name' }, 'Name'), nameIn),
      el('div', { class: 'field' }, el('label', { for: 'snap-new-desc' }, 'Description (optional)'), descIn),
      submit, err);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clear(err);
      submit.disabled = true;
      try {
        const s = await api.post(`${base}/snapshots`, { name: nameIn.value.trim(), description: descIn.value });
        ui.toast(`Snapshot ${s.name} created (${shortSha(s.id)})`);
        nameIn.value = '';
        descIn.value = '';
        await load();
      } catch (ex) {
        err.append(ui.errorBox(ex));
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  function importForm() {
    const file = el('input', { id: 'snap-imp-file', type: 'file', accept: '.json,application/json',
      'data-testid': 'import-file' });
    const text = el('textarea', { id: 'snap-imp-text', rows: '4', 'data-testid': 'import-json', spellcheck: 'false' });
    const secret = el('input', { id: 'snap-imp-secret', type: 'password', autocomplete: 'off',
      'data-testid': 'import-secret' });
    const err = el('div', { class: 'inline-error', 'data-testid': 'import-error' });
    const submit = el('button', { type: 'submit', class: 'btn', 'data-testid': 'import-submit' }, 'Import snapshot');
    const form = el('form', { class: 'snapshot-form', 'aria-labelledby': 'snap-import-h' },
      el('h2', { id: 'snap-import-h' }, 'Import a FlowFuse snapshot'),
      el('p', { class: 'hint' }, `Commits it on ${name}'s main, which deploys it.`),
      el('div', { class: 'field' }, el('label', { for: 'snap-imp-file' }, 'Snapshot file'), file),
      el('div', { class: 'field' }, el('label', { for: 'snap-imp-text' }, 'or paste its JSON'), text),
      el('div', { class: 'field' }, el('label', { for: 'snap-imp-secret' }, 'Secret its credentials are encrypted with'),
        secret),
      submit, err);
    file.addEventListener('change', async () => {
      if (file.files && file.files[0]) text.value = await file.files[0].text();
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clear(err);
      let snapshot;
      try {
        snapshot = JSON.parse(text.value);
      } catch (ex) {
        err.append(ui.errorBox({ message: `The snapshot is not JSON: ${ex.message}` }));
        return;
      }
      submit.disabled = true;
      try {
        const s = await api.post(`${base}/snapshots/import`, { snapshot, secret: secret.value });
        ui.toast(`Imported as ${shortSha(s.id)}`);
        text.value = '';
        file.value = '';
        await load();
      } catch (ex) {
        err.append(ui.errorBox(ex));
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }

  // --- timeline -----------------------------------------------------------------------------------------
  function drawCompareBar() {
    clear(compareBar);
    if (state.items.length < 2) return;
    const ok = state.from && state.to && state.from !== state.to;
    compareBar.append(el('p', {}, 'Pick a "from" and a "to" snapshot below to compare them. '),
      ok ? el('a', {
        class: 'btn', 'data-testid': 'compare-link',
        href: `#/t/${seg(team)}/${seg(kind)}/${seg(name)}/compare/${state.from}/${state.to}`,
      }, `Compare ${shortSha(state.from)} ➜ ${shortSha(state.to)}`)
        : el('span', { class: 'muted' }, 'Pick two different snapshots.'));
  }

  function drawTimeline() {
    clear(timeline);
    if (state.items.length === 0) {
      timeline.append(el('li', { class: 'muted', 'data-testid': 'timeline-empty' }, `${name} has no snapshots yet.`));
    }
    state.items.forEach((s, i) => timeline.append(entry(s, state.items[i + 1])));
    drawCompareBar();
    clear(more);
    if (state.next) {
      const btn = el('button', {
        type: 'button', class: 'btn', 'data-testid': 'timeline-more',
        on: {
          click: async () => {
            btn.disabled = true;
            try {
              const page = await api.get(`${base}/snapshots?limit=50&cursor=${encodeURIComponent(state.next)}`);
              state.items = state.items.concat(page.items || []);
              state.next = page.next;
              drawTimeline();
            } catch (e) {
              btn.disabled = false;
              more.append(ui.errorBox(e));
            }
          },
        },
      }, 'Older snapshots');
      more.append(btn);
    }
    if (at) {
      const hit = timeline.querySelector(`[data-sha="${CSS.escape(at)}"]`);
      if (hit) {
        hit.classList.add('is-focus');
        hit.scrollIntoView({ block: 'center' });
      }
    }
  }

  function entry(s, older) {
    const li = el('li', { class: 'snap', 'data-testid': `snap-${s.id}`, 'data-sha': s.id });
    const title = `${s.name || '(no name)'} ${shortSha(s.id)}`;
    add(li,
      el('div', { class: 'snap-dot', 'aria-hidden': 'true' }),
      el('h3', { class: 'snap-title' }, el('span', {}, s.name || '(no name)'), ' ',
        el('code', { class: 'sha', title: s.id }, shortSha(s.id)),
        ...(s.tags || []).map((tg) => ui.badge(`tag ${tg}`, 'info'))),
      el('p', { class: 'snap-meta' }, `${s.author} · `,
        el('time', { datetime: s.createdAt, title: s.createdAt }, `${new Date(s.createdAt).toLocaleString()} (${fmtAge(s.createdAt)})`)),
      s.description ? el('p', { class: 'snap-desc' }, s.description) : null,
      s.source ? sourceLine(s.source, s.id) : null);
    const pick = el('fieldset', { class: 'snap-pick' },
      el('legend', { class: 'visually-hidden' }, `Compare ${title}`),
      radio('from', s.id, title), radio('to', s.id, title));
    const actions = el('div', { class: 'snap-actions' }, pick,
      older ? el('a', {
        class: 'btn btn-small', 'data-testid': `compare-prev-${s.id}`,
        href: `#/t/${seg(team)}/${seg(kind)}/${seg(name)}/compare/${older.id}/${s.id}`,
        'aria-label': `What changed in ${title} since ${shortSha(older.id)}`,
      }, 'Changes') : null);
    if (member) {
      const exportBtn = el('button', {
        type: 'button', class: 'btn btn-small', 'data-testid': `export-${s.id}`,
        'aria-label': `Export ${title}`, 'aria-expanded': 'false',
        on: { click: () => toggleExport(li, s, exportBtn) },
      }, 'Export');
      actions.append(exportBtn);
    }
    li.append(actions);
    return li;
  }

  function radio(which, id, title) {
    const rid = `cmp-${which}-${id}`;
    const input = el('input', { type: 'radio', name: `cmp-${which}`, id: rid, value: id,
      'data-testid': `cmp-${which}-${id}` });
    input.checked = state[which] === id;
    input.addEventListener('change', () => {
      state[which] = id;
      state.picked = true;
      drawCompareBar();
    });
    return el('span', { class: 'snap-radio' }, input,
      el('label', { for: rid }, which === 'from' ? 'From' : 'To',
        el('span', { class: 'visually-hidden' }, ` ${title}`)));
  }

  function sourceLine(source, id) {
    const m = /^([^/]+)\/([^@]+)@([0-9a-f]{7,40})$/.exec(source);
    const p = el('p', { class: 'snap-source', 'data-testid': `snap-source-${id}` }, 'Promoted from ');
    if (!m) {
      // an external repository (URL@SHA) or another form: shown as it is
      p.append(el('code', {}, source));
      return p;
    }
    const [, srcTeam, src, sha] = m;
    const label = `${src}@${shortSha(sha)}`;
    const link = el('a', { href: `#/t/${seg(srcTeam)}/instances/${seg(src)}/snapshots/${sha}`,
      'data-testid': `source-link-${id}` }, label);
    p.append(link);
    // the source may be a device or a group: find its kind once and fix the link
    sourceKind(srcTeam, src).then((k) => {
      if (k) link.href = `#/t/${seg(srcTeam)}/${k}/${seg(src)}/snapshots/${sha}`;
    });
    return p;
  }

  function sourceKind(srcTeam, src) {
    const key = `${srcTeam}/${src}`;
    if (!sourceKinds.has(key)) {
      sourceKinds.set(key, (async () => {
        for (const k of KINDS) {
          try {
            await api.get(`teams/${seg(srcTeam)}/${k}/${seg(src)}`);
            return k;
          } catch (e) {
            if (e.status !== 404) return null;
          }
        }
        return null;
      })());
    }
    return sourceKinds.get(key);
  }

  function toggleExport(li, s, btn) {
    const open = li.querySelector('.export-form');
    if (open) {
      open.remove();
      btn.setAttribute('aria-expanded', 'false');
      return;
    }
    btn.setAttribute('aria-expanded', 'true');
    const sid = `exp-${s.id}`;
    const secret = el('input', { id: sid, type: 'password', autocomplete: 'new-password', required: 'required',
      'data-testid': `export-secret-${s.id}` });
    const err = el('div', { class: 'inline-error', 'data-testid': `export-error-${s.id}` });
    const out = el('div', { class: 'export-out' });
    const form = el('form', { class: 'export-form' },
      el('div', { class: 'field' }, el('label', { for: sid }, 'Secret to encrypt the credentials with'), secret),
      el('button', { type: 'submit', class: 'btn btn-small btn-primary', 'data-testid': `export-go-${s.id}` },
        'Export as FlowFuse JSON'),
      err, out);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clear(err);
      clear(out);
      try {
        const json = await api.post(`${base}/snapshots/${s.id}/export`, { secret: secret.value });
        const text = JSON.stringify(json, null, 2);
        const file = `${name}-${(s.name || shortSha(s.id)).replace(/[^A-Za-z0-9._-]+/g, '_')}.json`;
        const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
        const tid = `exp-json-${s.id}`;
        out.append(
          el('a', { href: url, download: file, class: 'btn btn-small', 'data-testid': `export-download-${s.id}` },
            `Download ${file}`),
          el('label', { for: tid }, 'Exported JSON'),
          el('textarea', { id: tid, rows: '6', readonly: 'readonly', 'data-testid': `export-json-${s.id}`,
            spellcheck: 'false' }, text),
          ui.copyButton(text, 'Copy JSON'));
      } catch (ex) {
        err.append(ui.errorBox(ex));
      }
    });
    li.append(form);
    secret.focus();
  }

  try {
    await load();
  } catch (e) {
    clear(root);
    root.append(el('h1', {}, `Snapshots of ${name}`), ui.errorBox(e));
    return undefined;
  }
  const offPush = ctx.live.on('push', (ev) => { if (ev.target === name) scheduleRefresh(); });
  const offRun = ctx.live.on('run', (ev) => {
    if (ev.target === name && ev.data && ev.data.status === 'succeeded') scheduleRefresh();
  });
  const offResync = ctx.live.on('resync', scheduleRefresh);
  return () => {
    disposed = true;
    clearTimeout(timer);
    offPush();
    offRun();
    offResync();
  };
}
