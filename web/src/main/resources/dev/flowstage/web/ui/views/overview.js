// #/t/{team}: the team's applications with their instances, device groups and devices; per target its
// current commit, its state, a protected badge, clone URLs with copy buttons and links to its pages.
// One call (GET teams/{team}/overview); the team's event stream reloads it when something moves.

import { h, clear, fmtAge, fmtTime, shortSha } from '../lib/dom.js';
import { seg } from '../lib/api.js';

/** The words and badge kind per state; the icon-like prefix keeps the meaning without colour. */
export const STATES = {
  deployed: { label: '✓ Deployed', kind: 'ok' },
  pending: { label: '… Pending', kind: 'warn' },
  error: { label: '✕ Error', kind: 'error' },
  offline: { label: '○ Offline', kind: 'neutral' },
  none: { label: '– Not running', kind: 'neutral' },
};

const RELOAD_ON = new Set(['push', 'run', 'review', 'device', 'upstream', 'resync']);

export async function render(root, ctx) {
  const { api, ui, live, team } = ctx;
  ui.useCss('css/overview.css');
  const base = `#/t/${seg(team)}`;
  const body = h('div', { 'data-testid': 'overview' }, h('p', { class: 'loading' }, 'Loading…'));
  root.append(
    ui.pageHeader(`Team ${team}`,
      h('a', { class: 'btn', href: `${base}/pipelines`, 'data-testid': 'link-pipelines' }, 'Pipelines')),
    body);

  let timer = null;
  let loading = null;
  async function load() {
    let data;
    try {
      data = await api.get(`teams/${seg(team)}/overview`);
    } catch (e) {
      ui.showError(body, e);
      return;
    }
    const focused = document.activeElement && body.contains(document.activeElement)
      ? document.activeElement.dataset.focusKey : null;
    clear(body);
    body.append(...draw(data));
    if (focused) body.querySelector(`[data-focus-key="${CSS.escape(focused)}"]`)?.focus();
  }
  // At most one reload every 2 s however many events arrive (a fleet reports all the time), and never
  // more than 2 s behind the last event.
  let lastLoad = 0;
  function reloadSoon() {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      lastLoad = Date.now();
      loading = load();
    }, Math.max(250, lastLoad + 2000 - Date.now()));
  }

  function draw(data) {
    const targets = data.targets || [];
    if (!targets.length && !(data.applications || []).length) {
      return [h('p', { class: 'muted', 'data-testid': 'empty' }, 'This team has no applications yet. Owners create '
        + 'them and their instances with the REST API (POST /api/v1/teams/' + team + '/applications).')];
    }
    const byApp = new Map((data.applications || []).map((a) => [a.name, { app: a, targets: [] }]));
    for (const t of targets) {
      if (!byApp.has(t.application)) byApp.set(t.application, { app: { name: t.application }, targets: [] });
      byApp.get(t.application).targets.push(t);
    }
    return [...byApp.values()].map(({ app, targets: ts }) => {
      const instances = ts.filter((t) => t.kind === 'instance');
      const groups = ts.filter((t) => t.kind === 'group');
      const devices = ts.filter((t) => t.kind === 'device');
      const id = `app-${app.name}`;
      return h('section', { class: 'app-section', 'aria-labelledby': id, 'data-testid': 'application', 'data-name': app.name },
        h('h2', { id }, app.name),
        app.description ? h('p', { class: 'muted' }, app.description) : null,
        ts.length ? null : h('p', { class: 'muted' }, 'No instances, groups or devices yet.'),
        instances.length ? [h('h3', 'Instances'), h('div', { class: 'cards' }, instances.map(card))] : null,
        groups.length ? [h('h3', 'Device groups'), h('div', { class: 'cards' }, groups.map(card))] : null,
        devices.length ? [h('h3', 'Devices'), deviceTable(devices)] : null);
    });
  }

  function stateBadge(t) {
    const s = STATES[t.status?.state] || STATES.none;
    let label = s.label;
    if (t.kind === 'instance' && t.status?.state === 'none') label = t.nodeRed ? '– Not deployed yet' : '– No Node-RED linked';
    if (t.kind === 'group' && t.status?.state === 'none') label = '– No devices';
    return ui.badge(label, s.kind, { 'data-testid': 'target-state', 'data-state': t.status?.state || 'none' });
  }

  function commitBlock(t) {
    const c = t.commit;
    if (!c) return h('p', { class: 'commit muted', 'data-testid': 'commit-none' }, 'No snapshot yet');
    return h('div', { class: 'commit' },
      h('a', { class: 'mono sha', href: `${base}/${t.kind}s/${seg(t.name)}/snapshots`, title: c.id, 'data-testid': 'commit-sha',
        'aria-label': `Commit ${shortSha(c.id)}: snapshots of ${t.name}` }, shortSha(c.id)),
      ' ', h('span', { class: 'subject', 'data-testid': 'commit-subject' }, c.subject),
      h('div', { class: 'muted small' }, 'by ', h('span', { 'data-testid': 'commit-author' }, c.author), ', ',
        h('time', { datetime: c.date, title: fmtTime(c.date), 'data-testid': 'commit-age', 'data-age': c.date }, fmtAge(c.date))));
  }

  function cloneUrls(t) {
    return h('dl', { class: 'clone' },
      ['HTTPS', 'SSH'].map((kind) => {
        const url = kind === 'HTTPS' ? t.gitUrl : t.sshUrl;
        if (!url) return null;
        const copy = ui.copyButton(url, 'Copy');
        copy.setAttribute('aria-label', `Copy the ${kind} clone URL of ${t.name}`);
        copy.dataset.testid = `copy-${kind.toLowerCase()}`;
        copy.dataset.focusKey = `${t.kind}/${t.name}/${kind}`;
        return [h('dt', kind), h('dd', h('code', { 'data-testid': `clone-${kind.toLowerCase()}` }, url), ' ', copy)];
      }));
  }

  function card(t) {
    const s = t.status || {};
    const links = [h('a', { href: `${base}/${t.kind}s/${seg(t.name)}/snapshots`, 'data-testid': 'link-snapshots' }, 'Snapshots')];
    if (t.kind === 'instance') links.push(h('a', { href: `${base}/instances/${seg(t.name)}/upstream`, 'data-testid': 'link-upstream' }, 'Upstream sync'));
    if (t.kind === 'group') links.push(h('a', { href: `${base}/groups/${seg(t.name)}`, 'data-testid': 'link-group' }, 'Rollout and devices'));
    return h('article', { class: 'card target-card', 'data-testid': 'target-card', 'data-name': t.name, 'data-kind': t.kind,
      'aria-labelledby': `target-${t.name}` },
      h('div', { class: 'target-head' },
        h('h4', { id: `target-${t.name}` }, t.name),
        t.protected ? ui.badge('Protected', 'info', { 'data-testid': 'protected-badge' }) : null,
        stateBadge(t)),
      commitBlock(t),
      t.kind === 'group' && s.summary ? groupSummary(s.summary) : null,
      s.state === 'error' && s.message ? h('p', { class: 'state-message', 'data-testid': 'state-message' }, s.message) : null,
      s.lastSeen ? h('p', { class: 'muted small' }, t.kind === 'instance' ? 'Node-RED last contacted ' : 'Last seen ',
        h('time', { datetime: s.lastSeen, title: fmtTime(s.lastSeen), 'data-age': s.lastSeen }, fmtAge(s.lastSeen))) : null,
      t.nodeRed ? h('p', { class: 'muted small' }, 'Node-RED: ', h('span', { class: 'mono' }, t.nodeRed.url)) : null,
      cloneUrls(t),
      h('nav', { class: 'target-links', 'aria-label': `Pages of ${t.name}` }, links));
  }

  function groupSummary(sum) {
    return h('p', { class: 'small', 'data-testid': 'group-summary' },
      `${sum.onTarget} of ${sum.total} device(s) on target`,
      sum.behind ? `, ${sum.behind} behind` : '', sum.error ? `, ${sum.error} in error` : '',
      sum.offline ? `, ${sum.offline} offline` : '');
  }

  function deviceTable(devices) {
    const wrap = ui.table([
      { label: 'Device', cell: (d) => h('strong', d.name) },
      {
        label: 'Group / instance',
        cell: (d) => (d.group ? h('a', { href: `${base}/groups/${seg(d.group)}` }, d.group) : d.instance || '—'),
      },
      { label: 'State', cell: (d) => [stateBadge(d), d.status?.message ? h('div', { class: 'small muted' }, d.status.message) : null] },
      { label: 'Commit', cell: (d) => commitBlock(d) },
      {
        label: 'Last seen',
        cell: (d) => (d.status?.lastSeen
          ? h('time', { datetime: d.status.lastSeen, title: fmtTime(d.status.lastSeen), 'data-age': d.status.lastSeen }, fmtAge(d.status.lastSeen))
          : 'never'),
      },
      { label: 'Clone', cell: (d) => cloneUrls(d) },
      { label: 'Pages', cell: (d) => h('a', { href: `${base}/devices/${seg(d.name)}/snapshots` }, 'Snapshots') },
    ], devices, { 'data-testid': 'devices-table', 'aria-label': 'Devices' });
    for (const [i, row] of [...wrap.querySelectorAll('tbody tr')].entries()) {
      row.dataset.testid = 'device-row';
      row.dataset.name = devices[i].name;
    }
    return wrap;
  }

  await load();
  const off = live.on('*', (e) => {
    if (RELOAD_ON.has(e.type)) reloadSoon();
  });
  // ages ("5 min ago") move on while the page stays open
  const ages = setInterval(() => {
    for (const el of body.querySelectorAll('[data-age]')) el.textContent = fmtAge(el.dataset.age);
  }, 30000);
  return () => {
    off();
    clearTimeout(timer);
    clearInterval(ages);
    return loading;
  };
}
