// #/t/{team}/pipelines/{pipeline}: the stages as cards left to right, deploys, editing, triggers and runs.
import { clear, fmtAge, shortSha } from '../lib/dom.js';
import { add, el, plural, runLog, runStatus, seg } from './runparts.js';

const ACTIONS = {
  instance: ['create_snapshot', 'use_latest_snapshot', 'prompt_snapshot'],
  device: ['use_active_snapshot', 'use_latest_device_snapshot', 'prompt_snapshot'],
  group: [],
};

export async function render(root, ctx) {
  const { api, ui, team } = ctx;
  const name = ctx.params.pipeline;
  const base = `teams/${seg(team)}/pipelines/${seg(name)}`;
  const owner = ctx.role === 'owner';
  const canDeploy = ctx.role === 'owner' || ctx.role === 'member';
  ui.useCss('css/pipeline.css');

  const state = { pipeline: null, status: null, runs: [], next: null, openLogs: new Set() };
  const heading = ui.pageHeader(`Pipeline ${name}`);
  const meta = el('p', { class: 'pipeline-meta' });
  const topError = el('div', { class: 'pipeline-error' });
  const triggers = el('section', { class: 'pipeline-triggers', 'aria-labelledby': 'pl-triggers-h' });
  const stagesHeading = el('h2', { id: 'pl-stages-h' }, 'Stages');
  const stageList = el('ol', { class: 'stage-list', 'data-testid': 'stages', 'aria-labelledby': 'pl-stages-h' });
  const stageTools = el('div', { class: 'stage-tools' });
  const announcer = el('p', { class: 'visually-hidden', 'aria-live': 'polite', 'data-testid': 'stage-announce' });
  const runsSection = el('section', { class: 'pipeline-runs', 'aria-labelledby': 'pl-runs-h' });
  clear(root);
  root.append(el('div', { class: 'pipeline-page' },
    el('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' },
      el('a', { href: `#/t/${seg(team)}/pipelines` }, 'Pipelines'), ' / ', name),
    heading, meta, topError, triggers,
    el('section', { class: 'pipeline-stages', 'aria-labelledby': 'pl-stages-h' },
      stagesHeading,
      owner ? el('p', { class: 'hint', id: 'pl-move-hint' },
        'Drag a stage by its handle, or focus the handle and press the arrow keys, to reorder.') : null,
      el('div', { class: 'stage-scroller' }, stageList), stageTools, announcer),
    runsSection));

  let refreshTimer = null;
  let disposed = false;

  /** Fetches and redraws; a live refresh leaves the stage cards alone while a form is open on them. */
  async function load(fromLive) {
    const [pipeline, status, runs] = await Promise.all([
      api.get(base), api.get(`${base}/status`), api.get(`${base}/runs?limit=20`)]);
    if (disposed) return;
    state.pipeline = pipeline;
    state.status = status;
    state.runs = runs.items || [];
    state.next = runs.next;
    draw(fromLive);
  }

  function scheduleRefresh() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = null;
      load(true).catch((err) => showTopError(err));
    }, 150);
  }

  function showTopError(err) {
    clear(topError);
    topError.append(ui.errorBox(err));
  }

  function draw(fromLive) {
    const p = state.pipeline;
    const active = document.activeElement;
    const focused = active && root.contains(active) && active.dataset ? active.dataset.testid : null;
    clear(meta);
    add(meta, 
      p.application ? el('span', {}, `Application ${p.application}`) : null,
      el('span', {}, `Concurrency: ${p.concurrency}`),
      p.paused ? ui.badge('Triggers paused', 'warn') : ui.badge('Triggers active', 'ok'));
    drawTriggers(p);
    if (fromLive && root.querySelector('.stage-form, .snapshot-picker')) {
      state.stagesStale = true;
    } else {
      drawStages(p);
    }
    drawRuns();
    // a redraw must not drop the keyboard focus: put it back on the same control
    if (focused && !root.contains(document.activeElement)) {
      const again = root.querySelector(`[data-testid="${CSS.escape(focused)}"]`);
      if (again) again.focus();
    }
  }

  /** A form on the stage cards was closed: draw what live updates brought meanwhile. */
  function formClosed(opener) {
    if (state.stagesStale) {
      state.stagesStale = false;
      const id = opener && opener.dataset ? opener.dataset.testid : null;
      drawStages(state.pipeline);
      const again = id ? root.querySelector(`[data-testid="${CSS.escape(id)}"]`) : null;
      if (again) again.focus();
    } else if (opener) {
      opener.focus();
    }
  }

  // --- triggers: pause/resume and the webhook URL ---------------------------------------------------
  function drawTriggers(p) {
    clear(triggers);
    triggers.append(el('h2', { id: 'pl-triggers-h' }, 'Triggers'));
    const err = el('div', { class: 'inline-error' });
    const status = el('p', { 'data-testid': 'trigger-state' },
      p.paused ? 'Paused: pushes, schedules and the webhook start no runs. Deploy buttons still work.'
        : 'Active: pushes, schedules and the webhook start runs as the stages say.');
    triggers.append(status);
    if (owner) {
      const btn = el('button', {
        type: 'button', class: 'btn', 'data-testid': p.paused ? 'resume' : 'pause',
        on: {
          click: async () => {
            clear(err);
            btn.disabled = true;
            try {
              await api.post(`${base}/${p.paused ? 'resume' : 'pause'}`, {});
              ui.toast(p.paused ? `Pipeline ${name} resumed` : `Pipeline ${name} paused`);
              await load();
              const again = triggers.querySelector('[data-testid="pause"],[data-testid="resume"]');
              if (again) again.focus();
            } catch (e) {
              btn.disabled = false;
              err.append(ui.errorBox(e));
            }
          },
        },
      }, p.paused ? 'Resume triggers' : 'Pause triggers');
      triggers.append(btn, err);
    }
    if (p.webhook && p.webhook.secret) {
      const url = `${location.origin}/api/v1/teams/${seg(team)}/pipelines/${seg(name)}/hooks/${seg(p.webhook.secret)}`;
      triggers.append(el('div', { class: 'webhook' },
        el('h3', {}, 'Webhook'),
        el('p', { class: 'hint' }, 'POST to this URL to deploy the first stage; add ?stage=NAME for another one and '
          + '&snapshot=SHA for a stage that asks for a snapshot. Keep it secret: it needs no other credentials.'),
        el('code', { class: 'webhook-url', 'data-testid': 'webhook-url' }, url),
        ui.copyButton(url, 'Copy webhook URL')));
    }
  }

  // --- stages ------------------------------------------------------------------------------------------
  function stageStatus(stageName) {
    return (state.status.stages || []).find((s) => s.name === stageName) || {};
  }

  function drawStages(p) {
    state.stagesStale = false;
    clear(stageList);
    clear(stageTools);
    const stages = p.stages || [];
    if (stages.length === 0) {
      stageList.append(el('li', { class: 'stage-empty' }, 'This pipeline has no stages yet.'));
    }
    stages.forEach((s, i) => stageList.append(stageCard(s, i, stages)));
    if (owner) {
      const addBtn = el('button', {
        type: 'button', class: 'btn', 'data-testid': 'add-stage',
        on: { click: () => openStageForm(stageTools, null, addBtn) },
      }, '+ Add stage at the end');
      stageTools.append(addBtn);
    }
  }

  function targetOf(s) {
    for (const k of ['instance', 'device', 'group']) if (s[k]) return { kind: k, name: s[k] };
    if (s.git) return { kind: 'git', name: s.git.url };
    return { kind: '?', name: '?' };
  }

  function stageCard(s, i, stages) {
    const t = targetOf(s);
    const st = stageStatus(s.name);
    const next = stages[i + 1];
    const nextStatus = next ? stageStatus(next.name) : null;
    const card = el('li', { class: 'stage-card', 'data-testid': `stage-${s.name}`, 'data-stage': s.name });
    const errBox = el('div', { class: 'inline-error', 'data-testid': `stage-error-${s.name}` });

    const head = el('div', { class: 'stage-head' });
    if (owner) {
      const handle = el('button', {
        type: 'button', class: 'stage-handle', draggable: 'true', 'data-testid': `move-${s.name}`,
        'aria-label': `Move stage ${s.name}, position ${i + 1} of ${stages.length}`,
        'aria-describedby': 'pl-move-hint',
        on: { keydown: (e) => onHandleKey(e, s.name) },
      }, '⠿');
      head.append(handle);
      wireDrag(card, handle, s.name);
    }
    head.append(el('h3', { class: 'stage-name' }, el('span', { class: 'stage-pos' }, `${i + 1}.`), ' ', s.name));
    card.append(head);

    const kindLabel = t.kind === 'git' ? 'Git repository' : t.kind;
    const pl = plural(t.kind);
    card.append(el('p', { class: 'stage-target' },
      el('span', { class: 'stage-kind' }, kindLabel), ' ',
      pl ? el('a', { href: `#/t/${seg(team)}/${pl}/${seg(t.name)}/snapshots`, 'data-testid': `stage-target-${s.name}` },
        t.name) : el('span', { class: 'git-url' }, t.name),
      st.protected ? ' ' : null,
      st.protected ? ui.badge('Protected', 'warn') : null));

    // the last stage takes no action: a deploy of it has nowhere to go
    const action = next ? (s.action || st.action) : null;
    if (action) {
      card.append(el('p', { class: 'stage-action' }, 'Action: ', el('code', {}, action)));
    }
    if (s.approval) {
      card.append(el('p', { class: 'stage-approval' },
        `Needs ${s.approval.required} approval${s.approval.required > 1 ? 's' : ''}`
        + (s.approval.excludeActor ? ' (not by the deployer)' : '')));
    }

    const snap = el('div', { class: 'stage-snapshot', 'data-testid': `stage-snapshot-${s.name}` });
    if (st.snapshot) {
      add(snap,
        el('code', { class: 'sha', title: st.snapshot.id }, shortSha(st.snapshot.id)), ' ',
        el('span', { class: 'snap-name' }, st.snapshot.name || '(no name)'),
        el('span', { class: 'snap-meta' }, `${st.snapshot.author} · `,
          el('time', { datetime: st.snapshot.createdAt, title: st.snapshot.createdAt }, fmtAge(st.snapshot.createdAt))));
    } else if (t.kind === 'git') {
      add(snap, el('span', { class: 'muted' }, 'History kept in the external repository'));
    } else {
      add(snap, el('span', { class: 'muted' }, 'No snapshot yet'));
    }
    card.append(snap);

    if (i > 0 && st.behind !== undefined && st.behind !== null) {
      const prev = stages[i - 1].name;
      card.append(st.behind
        ? el('p', { class: 'stage-behind is-behind', 'data-testid': `stage-behind-${s.name}`, 'data-behind': 'true' },
          el('span', { 'aria-hidden': 'true' }, '⬅ '),
          `Behind ${prev} by ${st.behindBy >= 100 ? '100+' : st.behindBy} snapshot${st.behindBy === 1 ? '' : 's'}`)
        : el('p', { class: 'stage-behind is-current', 'data-testid': `stage-behind-${s.name}`, 'data-behind': 'false' },
          el('span', { 'aria-hidden': 'true' }, '✓ '), `Up to date with ${prev}`));
    }

    const actions = el('div', { class: 'stage-actions' });
    if (next && canDeploy) {
      const nt = targetOf(next);
      const deployBtn = el('button', {
        type: 'button', class: 'btn btn-primary', 'data-testid': `deploy-${s.name}`,
        on: { click: () => startDeploy(s, next, nt, nextStatus, actions, errBox, deployBtn) },
      }, `Deploy to ${nt.kind === 'git' ? next.name : nt.name} ➜`);
      actions.append(deployBtn);
    } else if (!next && stages.length > 1) {
      actions.append(el('p', { class: 'hint' }, 'Last stage: deploys end here.'));
    }
    if (owner) {
      const edit = el('div', { class: 'stage-edit', role: 'group', 'aria-label': `Edit stage ${s.name}` });
      actions.append(edit);
      edit.append(
        el('button', {
          type: 'button', class: 'btn btn-small', 'data-testid': `move-left-${s.name}`,
          'aria-label': `Move stage ${s.name} earlier`,
          on: { click: () => move(s.name, -1) },
        }, '◀'),
        el('button', {
          type: 'button', class: 'btn btn-small', 'data-testid': `move-right-${s.name}`,
          'aria-label': `Move stage ${s.name} later`,
          on: { click: () => move(s.name, 1) },
        }, '▶'),
        el('button', {
          type: 'button', class: 'btn btn-small', 'data-testid': `insert-before-${s.name}`,
          'aria-label': `Insert a stage before ${s.name}`,
          on: { click: (e) => openStageForm(actions, i, e.currentTarget) },
        }, '+ Insert before'),
        el('button', {
          type: 'button', class: 'btn btn-small btn-danger', 'data-testid': `remove-${s.name}`,
          'aria-label': `Remove stage ${s.name}`,
          on: { click: () => removeStage(s.name, errBox) },
        }, 'Remove'));
    }
    if (owner) {
      actions.querySelector(`[data-testid="move-left-${CSS.escape(s.name)}"]`).disabled = i === 0;
      actions.querySelector(`[data-testid="move-right-${CSS.escape(s.name)}"]`).disabled = i === stages.length - 1;
    }
    card.append(actions, errBox);
    return card;
  }

  async function startDeploy(s, next, nt, nextStatus, actions, errBox, deployBtn) {
    clear(errBox);
    const targetLabel = nt.kind === 'git' ? `the Git repository of stage ${next.name}` : `${nt.kind} ${nt.name}`;
    if ((s.action || '') === 'prompt_snapshot') {
      await openPicker(s, targetLabel, nextStatus, actions, errBox, deployBtn);
      return;
    }
    await deploy(s, null, targetLabel, nextStatus, errBox, deployBtn);
  }

  async function openPicker(s, targetLabel, nextStatus, actions, errBox, deployBtn) {
    const existing = actions.parentElement.querySelector('.snapshot-picker');
    if (existing) {
      existing.querySelector('select').focus();
      return;
    }
    const t = targetOf(s);
    let items = [];
    try {
      items = (await api.get(`teams/${seg(team)}/${plural(t.kind)}/${seg(t.name)}/snapshots?limit=50`)).items || [];
    } catch (e) {
      errBox.append(ui.errorBox(e));
      return;
    }
    const id = `pick-${s.name}`;
    const select = el('select', { id, 'data-testid': `snapshot-picker-${s.name}` });
    for (const it of items) {
      select.append(el('option', { value: it.id },
        `${shortSha(it.id)} ${it.name || ''} (${it.author}, ${fmtAge(it.createdAt)})`));
    }
    const form = el('form', { class: 'snapshot-picker', 'data-testid': `picker-form-${s.name}` },
      el('label', { for: id }, `Snapshot of ${t.name} to deploy`),
      items.length ? select : el('p', { class: 'muted' }, `${t.name} has no snapshots to deploy.`),
      el('div', { class: 'form-buttons' },
        el('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': `picker-deploy-${s.name}` }, 'Deploy'),
        el('button', { type: 'button', class: 'btn', on: { click: () => { form.remove(); formClosed(deployBtn); } } },
          'Cancel')));
    if (!items.length) form.querySelector('button[type=submit]').disabled = true;
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      await deploy(s, select.value, targetLabel, nextStatus, errBox, deployBtn);
    });
    actions.after(form);
    if (items.length) select.focus();
  }

  async function deploy(s, snapshot, targetLabel, nextStatus, errBox, deployBtn) {
    clear(errBox);
    if (nextStatus && nextStatus.protected) {
      const yes = await ui.confirmDialog(
        `Deploy stage ${s.name} into the protected ${targetLabel}? It changes only after an owner approves the review.`,
        `Deploy to ${nextStatus.target}`);
      if (!yes) return false;
    }
    deployBtn.disabled = true;
    try {
      const answer = await api.post(`${base}/stages/${seg(s.name)}/deploy`, snapshot ? { snapshot } : {});
      ui.toast(`Run ${answer.run.id} queued: ${s.name} → ${answer.run.target || targetLabel}`);
      await load();
      return true;
    } catch (e) {
      errBox.append(ui.errorBox(e));
      return false;
    } finally {
      deployBtn.disabled = false;
    }
  }

  // --- editing: add / insert / remove / reorder --------------------------------------------------------
  async function openStageForm(container, position, opener) {
    const open = root.querySelector('.stage-form');
    if (open) open.remove();
    const uid = `sf-${Date.now()}`;
    const nameIn = el('input', { id: `${uid}-name`, required: 'required', 'data-testid': 'stage-form-name',
      autocomplete: 'off', pattern: '[A-Za-z0-9._-]+' });
    const kindSel = el('select', { id: `${uid}-kind`, 'data-testid': 'stage-form-kind' },
      el('option', { value: 'instance' }, 'Instance'), el('option', { value: 'device' }, 'Device'),
      el('option', { value: 'group' }, 'Device group'));
    const targetSel = el('select', { id: `${uid}-target`, required: 'required', 'data-testid': 'stage-form-target' });
    const actionSel = el('select', { id: `${uid}-action`, 'data-testid': 'stage-form-action' });
    const approvalIn = el('input', { id: `${uid}-approval`, type: 'number', min: '0', max: '9', value: '0',
      'data-testid': 'stage-form-approvals' });
    const err = el('div', { class: 'inline-error', 'data-testid': 'stage-form-error' });
    const targetCache = {};

    async function fillTargets() {
      const kind = kindSel.value;
      clear(targetSel);
      try {
        if (!targetCache[kind]) targetCache[kind] = (await api.get(`teams/${seg(team)}/${plural(kind)}?limit=100`)).items || [];
      } catch (e) {
        err.append(ui.errorBox(e));
        return;
      }
      for (const t of targetCache[kind]) targetSel.append(el('option', { value: t.name }, t.name));
      clear(actionSel);
      actionSel.append(el('option', { value: '' }, kind === 'group' ? '(the group decides)' : '(default)'));
      for (const a of ACTIONS[kind]) actionSel.append(el('option', { value: a }, a));
      actionSel.disabled = kind === 'group';
    }
    kindSel.addEventListener('change', fillTargets);

    const title = position === null ? 'Add a stage at the end' : `Insert a stage at position ${position + 1}`;
    const form = el('form', { class: 'stage-form', 'data-testid': 'stage-form', 'aria-label': title },
      el('h3', {}, title),
      field(`${uid}-name`, 'Stage name', nameIn),
      field(`${uid}-kind`, 'Deploys to', kindSel),
      field(`${uid}-target`, 'Target', targetSel),
      field(`${uid}-action`, 'Action', actionSel),
      field(`${uid}-approval`, 'Approvals required', approvalIn),
      el('div', { class: 'form-buttons' },
        el('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'stage-form-submit' },
          position === null ? 'Add stage' : 'Insert stage'),
        el('button', { type: 'button', class: 'btn', on: { click: () => { form.remove(); formClosed(opener); } } },
          'Cancel')),
      err);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clear(err);
      const stage = { name: nameIn.value.trim(), [kindSel.value]: targetSel.value };
      if (actionSel.value) stage.action = actionSel.value;
      const approvals = parseInt(approvalIn.value, 10);
      if (approvals > 0) stage.approval = { required: approvals };
      try {
        await api.post(`${base}/stages${position === null ? '' : `?position=${position}`}`, stage);
        ui.toast(`Stage ${stage.name} added`);
        await load();
        announcer.textContent = `Stage ${stage.name} added.`;
        const card = stageList.querySelector(`[data-stage="${CSS.escape(stage.name)}"] .stage-name`);
        if (card) { card.tabIndex = -1; card.focus(); }
      } catch (ex) {
        err.append(ui.errorBox(ex));
      }
    });
    if (position === null) container.append(form); else container.after(form);
    await fillTargets();
    nameIn.focus();
  }

  function field(id, label, control) {
    return el('div', { class: 'field' }, el('label', { for: id }, label), control);
  }

  async function removeStage(stageName, errBox) {
    clear(errBox);
    const yes = await ui.confirmDialog(`Remove stage ${stageName} from pipeline ${name}? Its target is not touched.`,
      `Remove ${stageName}`);
    if (!yes) return;
    try {
      await api.del(`${base}/stages/${seg(stageName)}`);
      ui.toast(`Stage ${stageName} removed`);
      await load();
      announcer.textContent = `Stage ${stageName} removed.`;
      const add = stageTools.querySelector('[data-testid="add-stage"]');
      if (add) add.focus();
    } catch (e) {
      errBox.append(ui.errorBox(e));
    }
  }

  async function move(stageName, delta) {
    const order = state.pipeline.stages.map((s) => s.name);
    const from = order.indexOf(stageName);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= order.length) return;
    order.splice(from, 1);
    order.splice(to, 0, stageName);
    await reorder(order, stageName);
  }

  async function reorder(order, moved) {
    const card = stageList.querySelector(`[data-stage="${CSS.escape(moved)}"]`);
    const errBox = card ? card.querySelector('.inline-error') : topError;
    try {
      state.pipeline = await api.post(`${base}/stages/reorder`, { order });
      state.status = await api.get(`${base}/status`);
      drawStages(state.pipeline);
      const pos = order.indexOf(moved) + 1;
      announcer.textContent = `Stage ${moved} moved to position ${pos} of ${order.length}.`;
      const handle = stageList.querySelector(`[data-testid="move-${CSS.escape(moved)}"]`);
      if (handle) handle.focus();
    } catch (e) {
      clear(errBox);
      errBox.append(ui.errorBox(e));
    }
  }

  function onHandleKey(e, stageName) {
    const back = e.key === 'ArrowLeft' || e.key === 'ArrowUp';
    const fwd = e.key === 'ArrowRight' || e.key === 'ArrowDown';
    if (!back && !fwd) return;
    e.preventDefault();
    move(stageName, back ? -1 : 1);
  }

  function wireDrag(card, handle, stageName) {
    handle.addEventListener('dragstart', (e) => {
      e.dataTransfer.setData('text/plain', stageName);
      e.dataTransfer.effectAllowed = 'move';
      card.classList.add('is-dragging');
    });
    handle.addEventListener('dragend', () => card.classList.remove('is-dragging'));
    card.addEventListener('dragover', (e) => {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      card.classList.add('is-drop-target');
    });
    card.addEventListener('dragleave', () => card.classList.remove('is-drop-target'));
    card.addEventListener('drop', (e) => {
      e.preventDefault();
      card.classList.remove('is-drop-target');
      const dragged = e.dataTransfer.getData('text/plain');
      if (!dragged || dragged === stageName) return;
      const order = state.pipeline.stages.map((s) => s.name).filter((n) => n !== dragged);
      order.splice(order.indexOf(stageName), 0, dragged);
      reorder(order, dragged);
    });
  }

  // --- runs ----------------------------------------------------------------------------------------------
  function drawRuns() {
    // keep the logs that were open across a refresh
    runsSection.querySelectorAll('details[data-run]').forEach((d) => {
      if (d.open) state.openLogs.add(d.dataset.run); else state.openLogs.delete(d.dataset.run);
    });
    clear(runsSection);
    runsSection.append(el('h2', { id: 'pl-runs-h' }, 'Runs'));
    if (state.runs.length === 0) {
      runsSection.append(el('p', { class: 'muted', 'data-testid': 'runs-empty' }, 'No runs yet.'));
      return;
    }
    const rows = el('tbody');
    for (const r of state.runs) {
      const log = el('details', { class: 'run-log-details', 'data-run': r.id },
        el('summary', {}, `${(r.log || []).length} line${(r.log || []).length === 1 ? '' : 's'}`),
        runLog(r, `run-log-${r.id}`));
      if (state.openLogs.has(r.id)) log.open = true;
      rows.append(el('tr', { 'data-testid': `run-${r.id}` },
        el('th', { scope: 'row' }, el('a', { href: `#/t/${seg(team)}/runs/${seg(name)}/${seg(r.id)}` }, `#${r.id}`)),
        el('td', {}, runStatus(ui, r.status, `run-status-${r.id}`)),
        el('td', {}, r.stage),
        el('td', {}, `${r.source || '—'} ➜ ${r.target || '—'}`, r.action === 'rollback' ? ' (rollback)' : null),
        el('td', {}, r.actor),
        el('td', {}, el('time', { datetime: r.createdAt, title: r.createdAt }, fmtAge(r.createdAt))),
        el('td', {}, log)));
    }
    runsSection.append(el('div', { class: 'table-scroll' },
      el('table', { class: 'table runs-table', 'data-testid': 'runs' },
        el('caption', { class: 'visually-hidden' }, `Runs of pipeline ${name}, newest first`),
        el('thead', {}, el('tr', {},
          ...['Run', 'Status', 'Stage', 'From ➜ to', 'By', 'Created', 'Log'].map((c) => el('th', { scope: 'col' }, c)))),
        rows)));
    if (state.next) {
      const more = el('button', {
        type: 'button', class: 'btn', 'data-testid': 'runs-more',
        on: {
          click: async () => {
            more.disabled = true;
            try {
              const page = await api.get(`${base}/runs?limit=20&cursor=${encodeURIComponent(state.next)}`);
              state.runs = state.runs.concat(page.items || []);
              state.next = page.next;
              drawRuns();
            } catch (e) {
              more.disabled = false;
              more.after(ui.errorBox(e));
            }
          },
        },
      }, 'Older runs');
      runsSection.append(more);
    }
  }

  try {
    await load();
  } catch (e) {
    clear(root);
    root.append(el('h1', {}, `Pipeline ${name}`), ui.errorBox(e));
    return undefined;
  }

  const targetsOfStages = () => new Set((state.pipeline.stages || []).map((s) => targetOf(s).name));
  const offRun = ctx.live.on('run', (ev) => {
    if (ev.data && ev.data.pipeline === name) scheduleRefresh();
  });
  const offPush = ctx.live.on('push', (ev) => {
    if (targetsOfStages().has(ev.target)) scheduleRefresh();
  });
  const offResync = ctx.live.on('resync', () => scheduleRefresh());
  return () => {
    disposed = true;
    clearTimeout(refreshTimer);
    offRun();
    offPush();
    offResync();
  };
}
