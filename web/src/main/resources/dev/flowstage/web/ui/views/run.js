// #/t/{team}/runs/{pipeline}/{run}: one run with its status, commits, rollout progress and live log.
import { clear, fmtAge, shortSha } from '../lib/dom.js';
import { add, el, plural, runLog, runStatus, seg } from './runparts.js';

export async function render(root, ctx) {
  const { api, ui, team } = ctx;
  const { pipeline, run: id } = ctx.params;
  const path = `teams/${seg(team)}/pipelines/${seg(pipeline)}/runs/${seg(id)}`;
  ui.useCss('css/run.css');
  const canRollBack = ctx.role === 'owner' || ctx.role === 'member';

  const body = el('div', { class: 'run-page' });
  clear(root);
  root.append(body);
  let definition = null;
  let disposed = false;
  let timer = null;

  async function load() {
    const [run, def] = await Promise.all([api.get(path), definition ? definition : api.get(
      `teams/${seg(team)}/pipelines/${seg(pipeline)}`).catch(() => ({ stages: [] }))]);
    if (disposed) return;
    definition = def;
    draw(run);
  }

  /** The kind (instances|devices|groups) of the stage that deploys into the run's target, if known. */
  function targetKind(run) {
    const stages = definition.stages || [];
    const i = stages.findIndex((s) => s.name === run.stage);
    const next = i >= 0 ? stages[i + 1] : null;
    if (next) {
      for (const k of ['instance', 'device', 'group']) if (next[k] === run.target) return plural(k);
    }
    return null;
  }

  function draw(run) {
    const focused = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.testid : null;
    clear(body);
    const kind = targetKind(run);
    add(body,
      el('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
        el('a', { href: `#/t/${seg(team)}/pipelines` }, 'Pipelines'), ' / ',
        el('a', { href: `#/t/${seg(team)}/pipelines/${seg(pipeline)}`, 'data-testid': 'run-pipeline-link' }, pipeline),
        ' / ', `run #${run.id}`),
      ui.pageHeader(`Run #${run.id}: ${run.stage} ➜ ${run.target || '—'}`),
      el('p', { class: 'run-state', 'aria-live': 'polite' }, 'Status: ', runStatus(ui, run.status, 'run-status')),
      run.error ? el('p', { class: 'run-error', role: 'alert', 'data-testid': 'run-error' }, `✗ ${run.error}`) : null,
      facts(run, kind),
      run.rollout ? rollout(run.rollout) : null,
      el('section', { class: 'run-log-section', 'aria-labelledby': 'run-log-h' },
        el('h2', { id: 'run-log-h' }, 'Log'), runLog(run, 'run-log')),
      actions(run));
    if (focused) {
      const again = body.querySelector(`[data-testid="${CSS.escape(focused)}"]`);
      if (again) again.focus();
    }
  }

  function facts(run, kind) {
    const rows = [
      ['Pipeline', pipeline], ['Stage', run.stage], ['Action', run.action || '—'],
      ['From', run.source || '—'], ['Into', run.target || '—'], ['By', run.actor],
      ['Created', when(run.createdAt)], ['Started', when(run.startedAt)], ['Finished', when(run.finishedAt)],
    ];
    const dl = el('dl', { class: 'run-facts', 'data-testid': 'run-facts' });
    for (const [k, v] of rows) dl.append(el('dt', {}, k), el('dd', {}, v));
    dl.append(el('dt', {}, 'Source snapshot'), el('dd', {}, sha(run.sourceCommit)));
    dl.append(el('dt', {}, 'Target before / after'), el('dd', {}, sha(run.targetBefore), ' ➜ ', sha(run.targetAfter)));
    if (kind && run.targetBefore && run.targetAfter) {
      dl.append(el('dt', {}, 'What changed'), el('dd', {}, el('a', {
        href: `#/t/${seg(team)}/${kind}/${seg(run.target)}/compare/${run.targetBefore}/${run.targetAfter}`,
        'data-testid': 'run-compare',
      }, `Compare ${shortSha(run.targetBefore)} with ${shortSha(run.targetAfter)}`)));
    }
    if (run.reviewId) {
      dl.append(el('dt', {}, 'Review'), el('dd', {},
        el('a', { href: `#/t/${seg(team)}/reviews/${run.reviewId}`, 'data-testid': 'run-review' }, `Review #${run.reviewId}`)));
    }
    if (run.rollbackOf) {
      dl.append(el('dt', {}, 'Rolls back'), el('dd', {},
        el('a', { href: `#/t/${seg(team)}/runs/${seg(pipeline)}/${seg(run.rollbackOf)}` }, `run #${run.rollbackOf}`)));
    }
    return dl;
  }

  function when(t) {
    return t ? el('time', { datetime: t, title: t }, `${new Date(t).toLocaleString()} (${fmtAge(t)})`) : '—';
  }

  function sha(s) {
    return s ? el('code', { title: s }, shortSha(s)) : '—';
  }

  function rollout(r) {
    const section = el('section', { class: 'run-rollout', 'aria-labelledby': 'run-rollout-h', 'data-testid': 'rollout' },
      el('h2', { id: 'run-rollout-h' }, 'Rollout'));
    const waveText = r.wave === 0 ? `not started (${r.waves} waves)` : `wave ${r.wave} of ${r.waves}`;
    const pct = r.percentages && r.wave > 0 ? ` — ${r.percentages[r.wave - 1]}% of the group` : '';
    section.append(el('p', { 'data-testid': 'rollout-wave' }, `Progress: ${waveText}${pct}`));
    const bar = el('progress', { max: String(Math.max(r.devices, 1)), value: String(r.onTarget),
      'aria-label': 'Devices on the target snapshot', 'data-testid': 'rollout-progress' });
    section.append(el('div', { class: 'rollout-bar' }, bar,
      el('span', {}, `${r.onTarget} of ${r.devices} devices on target`)));
    const counts = el('ul', { class: 'rollout-counts' });
    for (const [label, n, icon] of [['on target', r.onTarget, '✓'], ['pending', r.pending, '…'],
      ['failed', r.failed, '✗'], ['offline', r.offline, '⌁'], ['put back', r.putBack, '↩']]) {
      counts.append(el('li', { 'data-testid': `rollout-${label.replace(' ', '-')}` },
        el('span', { 'aria-hidden': 'true' }, `${icon} `), `${n} ${label}`));
    }
    section.append(counts);
    return section;
  }

  function actions(run) {
    if (!canRollBack || run.status !== 'succeeded' || !run.targetBefore) return null;
    const err = el('div', { class: 'inline-error' });
    const btn = el('button', {
      type: 'button', class: 'btn', 'data-testid': 'rollback',
      on: {
        click: async () => {
          clear(err);
          const yes = await ui.confirmDialog(`Roll ${run.target} back to ${shortSha(run.targetBefore)}, the snapshot it had`
            + ` before run #${run.id}?`, `Roll back ${run.target}`);
          if (!yes) return;
          btn.disabled = true;
          try {
            const answer = await api.post(`${path}/rollback`, {});
            ctx.navigate(`#/t/${seg(team)}/runs/${seg(pipeline)}/${seg(answer.run.id)}`);
          } catch (e) {
            btn.disabled = false;
            err.append(ui.errorBox(e));
          }
        },
      },
    }, `Roll back ${run.target}`);
    return el('div', { class: 'run-actions' }, btn, err);
  }

  try {
    await load();
  } catch (e) {
    clear(root);
    root.append(el('h1', {}, `Run #${id}`), ui.errorBox(e));
    return undefined;
  }
  const reload = () => {
    clearTimeout(timer);
    timer = setTimeout(() => load().catch((e) => body.prepend(ui.errorBox(e))), 100);
  };
  const off = ctx.live.on('run', (ev) => {
    // the event says the status changed; the log and rollout come with the run itself
    if (ev.data && ev.data.run === id && ev.data.pipeline === pipeline) reload();
  });
  const offResync = ctx.live.on('resync', reload);
  return () => {
    disposed = true;
    clearTimeout(timer);
    off();
    offResync();
  };
}

