// #/t/{team}/groups/{name}: a device group's latest rollout (waves; devices on target, pending, failed,
// offline, put back) and every member device with its state, message and last-seen time, all live:
// `run` events carry the rollout's progress, `device` events each device's report.

import { h, clear, fmtAge, fmtTime, shortSha } from '../lib/dom.js';
import { seg } from '../lib/api.js';

const DEVICE_STATES = {
  deployed: { label: '✓ On target', kind: 'ok' },
  pending: { label: '… Pending', kind: 'warn' },
  error: { label: '✕ Error', kind: 'error' },
  offline: { label: '○ Offline', kind: 'neutral' },
};

const RUN_KINDS = { succeeded: 'ok', failed: 'error', running: 'info', queued: 'neutral', awaiting_approval: 'warn' };

const COUNTS = [
  ['onTarget', 'On target', 'ok'],
  ['pending', 'Pending', 'warn'],
  ['failed', 'Failed', 'error'],
  ['offline', 'Offline', 'neutral'],
  ['putBack', 'Put back', 'neutral'],
];

/** A table container that scrolls at phone width must be reachable by keyboard (axe: scrollable-region-focusable). */
function scrollable(wrap, label) {
  wrap.tabIndex = 0;
  wrap.setAttribute('role', 'region');
  wrap.setAttribute('aria-label', label);
  return wrap;
}

export async function render(root, ctx) {
  const { api, ui, live, team, params } = ctx;
  ui.useCss('css/group.css');
  const name = params.name;
  const base = `#/t/${seg(team)}`;
  const summarySlot = h('div', { 'data-testid': 'group-summary' });
  const rolloutSlot = h('div', { 'data-testid': 'rollout' });
  const devicesSlot = h('div', { 'data-testid': 'group-devices' });
  const errors = h('div');
  root.append(
    ui.pageHeader(`Device group ${name}`,
      h('a', { class: 'btn', href: `${base}/groups/${seg(name)}/snapshots` }, 'Snapshots'),
      h('a', { class: 'btn', href: base }, 'Overview')),
    errors,
    summarySlot,
    h('section', { 'aria-labelledby': 'rollout-title' }, h('h2', { id: 'rollout-title' }, 'Rollout'), rolloutSlot),
    h('section', { 'aria-labelledby': 'devices-title' }, h('h2', { id: 'devices-title' }, 'Devices'), devicesSlot));

  const state = { group: null, devices: [], run: null };
  const rows = new Map();

  async function loadGroupAndDevices() {
    const [group, overview] = await Promise.all([
      api.get(`teams/${seg(team)}/groups/${seg(name)}`),
      api.get(`teams/${seg(team)}/overview`),
    ]);
    state.group = group;
    state.devices = (overview.targets || []).filter((t) => t.kind === 'device' && t.group === name);
    drawSummary();
    drawDevices();
  }

  /** The newest run of any pipeline that deploys into this group (one runs call per such pipeline). */
  async function loadRun() {
    const pipelines = await api.all(`teams/${seg(team)}/pipelines`);
    const into = pipelines.filter((p) => (p.stages || []).some((s) => s.group === name));
    const pages = await Promise.all(into.map((p) => api.get(`teams/${seg(team)}/pipelines/${seg(p.name)}/runs?limit=20`)));
    const runs = pages.flatMap((p) => p.items || []).filter((r) => r.target === name);
    runs.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    state.run = runs[0] || null;
    drawRun();
  }

  async function loadAll() {
    try {
      ui.showError(errors, null);
      await Promise.all([loadGroupAndDevices(), loadRun()]);
    } catch (e) {
      ui.showError(errors, e);
    }
  }

  function drawSummary() {
    clear(summarySlot);
    const s = state.group.summary;
    if (!s) return;
    summarySlot.append(h('p', { class: 'group-line' },
      'Application ', h('strong', state.group.application), ' · ',
      h('span', { 'data-testid': 'summary-text' }, `${s.onTarget} of ${s.total} device(s) on target`
        + (s.behind ? `, ${s.behind} behind` : '') + (s.error ? `, ${s.error} in error` : '')
        + (s.offline ? `, ${s.offline} offline` : ''))));
  }

  function drawRun() {
    clear(rolloutSlot);
    const run = state.run;
    if (!run) {
      rolloutSlot.append(h('p', { class: 'muted', 'data-testid': 'no-rollout' },
        'No pipeline has deployed into this group yet. A group stage with a rollout moves its devices in waves.'));
      return;
    }
    const head = h('p', { class: 'run-line' },
      ui.badge(run.status, RUN_KINDS[run.status] || 'neutral', { 'data-testid': 'run-status' }), ' ',
      h('a', { href: `${base}/runs/${seg(run.pipeline)}/${seg(run.id)}`, 'data-testid': 'run-link' },
        `Run ${run.id} of pipeline ${run.pipeline}`),
      ' · stage ', run.stage,
      run.targetAfter ? [' · commit ', h('span', { class: 'mono', title: run.targetAfter }, shortSha(run.targetAfter))] : null,
      ' · ', h('time', { datetime: run.createdAt, title: fmtTime(run.createdAt), 'data-age': run.createdAt }, fmtAge(run.createdAt)));
    rolloutSlot.append(head);
    if (run.error) rolloutSlot.append(h('p', { class: 'run-error', 'data-testid': 'run-error' }, run.error));
    const r = run.rollout;
    if (!r) {
      rolloutSlot.append(h('p', { class: 'muted' }, 'This deploy moved every device at once (the stage has no rollout).'));
      return;
    }
    rolloutSlot.append(waves(r), counts(r));
  }

  function waves(r) {
    const percentages = r.percentages || [];
    return h('ol', { class: 'waves', 'data-testid': 'waves', 'aria-label': `Wave ${r.wave} of ${r.waves}` },
      percentages.map((p, i) => {
        const n = i + 1;
        const finished = state.run.status === 'succeeded' || n < r.wave;
        const phase = finished ? 'done' : n === r.wave ? (state.run.status === 'failed' ? 'stopped' : 'current') : 'waiting';
        const words = { done: '✓ done', current: '▶ moving', stopped: '✕ stopped', waiting: 'waiting' }[phase];
        return h('li', { class: `wave wave-${phase}`, 'data-testid': 'wave', 'data-phase': phase },
          h('span', { class: 'wave-name' }, `Wave ${n}`), h('span', { class: 'wave-share' }, `${p}% of devices`),
          h('span', { class: 'wave-phase' }, words));
      }));
  }

  function counts(r) {
    const total = r.devices || 0;
    const bar = h('div', { class: 'bar', role: 'img', 'aria-label': `${r.onTarget} of ${total} device(s) on target` });
    for (const [key, , kind] of COUNTS.slice(0, 4)) {
      const n = key === 'pending' ? r.pending - r.offline : r[key];
      if (!n || !total) continue;
      const seg1 = h('span', { class: `bar-part bar-${kind}` });
      seg1.style.width = `${(100 * n) / total}%`;
      bar.append(seg1);
    }
    return h('div', { class: 'rollout-counts' },
      h('p', { class: 'wave-line', 'data-testid': 'wave-line' }, `Wave ${r.wave} of ${r.waves} · ${total} device(s)`
        + (r.waveStartedAt ? ` · wave started ${fmtAge(r.waveStartedAt)}` : '')),
      bar,
      h('dl', { class: 'counts' }, COUNTS.map(([key, label, kind]) => h('div', { class: `count count-${kind}` },
        h('dt', label), h('dd', { 'data-testid': `count-${key}` }, String(r[key] ?? 0))))));
  }

  function drawDevices() {
    clear(devicesSlot);
    rows.clear();
    if (!state.devices.length) {
      devicesSlot.append(h('p', { class: 'muted', 'data-testid': 'no-devices' }, 'This group has no devices.'));
      return;
    }
    const wrap = ui.table([
      { label: 'Device', cell: (d) => h('strong', d.name) },
      { label: 'State', cell: () => h('span', { class: 'state-cell' }) },
      { label: 'Runs', cell: () => h('span', { class: 'runs-cell' }) },
      { label: 'Message', cell: () => h('span', { class: 'message-cell' }) },
      { label: 'Last seen', cell: () => h('span', { class: 'seen-cell' }) },
    ], state.devices, { 'data-testid': 'devices-table', 'aria-labelledby': 'devices-title' });
    scrollable(wrap, 'Devices of the group');
    [...wrap.querySelectorAll('tbody tr')].forEach((tr, i) => {
      const d = state.devices[i];
      tr.dataset.testid = 'device-row';
      tr.dataset.name = d.name;
      const row = { tr, target: d.commit ? d.commit.id : null, state: d.status?.state || 'offline',
        active: d.status?.activeCommit || null, message: d.status?.message || null, lastSeen: d.status?.lastSeen || null };
      rows.set(d.name, row);
      drawRow(row);
    });
    devicesSlot.append(wrap);
  }

  function drawRow(row) {
    const s = DEVICE_STATES[row.state] || DEVICE_STATES.pending;
    row.tr.dataset.state = row.state;
    clear(row.tr.querySelector('.state-cell')).append(ui.badge(s.label, s.kind, { 'data-testid': 'device-state' }));
    const runs = row.tr.querySelector('.runs-cell');
    clear(runs);
    if (row.active) {
      runs.append(h('span', { class: 'mono', title: row.active }, shortSha(row.active)));
      if (row.target && row.active !== row.target) runs.append(h('span', { class: 'muted small' }, ` (target ${shortSha(row.target)})`));
    } else {
      runs.append(h('span', { class: 'muted' }, row.target ? `nothing yet (target ${shortSha(row.target)})` : 'nothing yet'));
    }
    clear(row.tr.querySelector('.message-cell')).append(row.message || '');
    clear(row.tr.querySelector('.seen-cell')).append(row.lastSeen
      ? h('time', { datetime: row.lastSeen, title: fmtTime(row.lastSeen), 'data-age': row.lastSeen, 'data-testid': 'device-seen' }, fmtAge(row.lastSeen))
      : 'never');
  }

  /** A device's report, applied to its row at once; the summary follows from a reload. */
  function onDevice(e) {
    const row = rows.get(e.target);
    if (!row) return;
    const d = e.data || {};
    row.lastSeen = e.time;
    row.message = d.message || null;
    if (d.state === 'running') row.active = d.commit;
    if (d.state === 'error') row.state = 'error';
    else if (d.state === 'running' && row.target && d.commit === row.target) row.state = 'deployed';
    else row.state = 'pending';
    drawRow(row);
    reloadSoon(false);
  }

  /** A run event: a rollout's counts are in it; anything else about this group's runs reloads the run. */
  function onRun(e) {
    if (e.target !== name) return;
    const d = e.data || {};
    if (state.run && state.run.id === d.run && d.rollout) {
      state.run.status = d.status || state.run.status;
      state.run.rollout = { ...state.run.rollout, ...d.rollout };
      drawRun();
    }
    reloadSoon(true);
  }

  // At most one reload every 2 s however many devices report, and never more than 2 s behind the last event;
  // rows and rollout counts change at once from the events themselves.
  let timer = null;
  let pendingRun = false;
  let lastLoad = 0;
  function reloadSoon(run) {
    pendingRun = pendingRun || run;
    if (timer) return;
    timer = setTimeout(async () => {
      timer = null;
      lastLoad = Date.now();
      const withRun = pendingRun;
      pendingRun = false;
      try {
        await Promise.all([loadGroupAndDevices(), withRun ? loadRun() : null]);
      } catch (err) {
        ui.showError(errors, err);
      }
    }, Math.max(300, lastLoad + 2000 - Date.now()));
  }

  await loadAll();
  const offs = [
    live.on('device', onDevice),
    live.on('run', onRun),
    live.on('push', (e) => { if (e.target === name) reloadSoon(true); }),
    live.on('resync', () => reloadSoon(true)),
  ];
  const ages = setInterval(() => {
    for (const el of root.querySelectorAll('[data-age]')) el.textContent = fmtAge(el.dataset.age);
  }, 30000);
  return () => {
    offs.forEach((off) => off());
    clearTimeout(timer);
    clearInterval(ages);
  };
}
