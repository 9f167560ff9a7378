// #/t/{team}/instances/{name}/upstream: the upstream sync card of an instance: state, local and remote
// commit, ahead/behind, the dependency plan, pause/resume/sync-now for owners, live through `upstream`
// events, and a banner when no sync was heard of for more than twice the interval.

import { h, clear, fmtAge, fmtTime, shortSha } from '../lib/dom.js';
import { seg } from '../lib/api.js';

const STATES = {
  in_sync: { label: '✓ In sync', kind: 'ok' },
  behind: { label: '↓ Behind', kind: 'warn' },
  syncing: { label: '⟳ Syncing', kind: 'info' },
  paused: { label: '❚❚ Paused', kind: 'neutral' },
  error: { label: '✕ Error', kind: 'error' },
};

/** A table container that scrolls at phone width must be reachable by keyboard (axe: scrollable-region-focusable). */
function scrollable(wrap, label) {
  wrap.tabIndex = 0;
  wrap.setAttribute('role', 'region');
  wrap.setAttribute('aria-label', label);
  return wrap;
}

export async function render(root, ctx) {
  const { api, ui, live, team, params, role } = ctx;
  ui.useCss('css/upstream.css');
  const name = params.name;
  const base = `#/t/${seg(team)}`;
  const path = `teams/${seg(team)}/instances/${seg(name)}/upstream`;
  const owner = role === 'owner';
  const card = h('div', { 'data-testid': 'upstream' }, h('p', { class: 'loading' }, 'Loading…'));
  const stale = h('div', { class: 'stale-banner', role: 'status', 'data-testid': 'stale-banner', hidden: true });
  root.append(
    ui.pageHeader(`Upstream sync of ${name}`,
      h('a', { class: 'btn', href: `${base}/instances/${seg(name)}/snapshots` }, 'Snapshots'),
      h('a', { class: 'btn', href: base }, 'Overview')),
    stale,
    card);

  let view = null;
  let lastEventAt = 0;
  let liveState = null; // a state from an event newer than the last answer (e.g. 'syncing')

  async function load() {
    try {
      view = await api.get(path);
      liveState = null;
      draw();
    } catch (e) {
      view = null;
      clear(card);
      if (e.status === 404) {
        card.append(h('div', { class: 'card', 'data-testid': 'no-upstream' },
          h('p', e.message),
          h('p', { class: 'muted' }, 'An owner makes this instance follow a branch of an external Git repository with '
            + `PUT /api/v1/${path} (see the External Git documentation).`)));
      } else {
        card.append(ui.errorBox(e));
      }
    }
    checkStale();
  }

  const COUNTERPART = { 'upstream-pause': 'upstream-resume', 'upstream-resume': 'upstream-pause' };

  function draw() {
    // a redraw must not throw keyboard users back to the top: refocus the same control (or its counterpart)
    const focused = card.contains(document.activeElement) ? document.activeElement.dataset.testid : null;
    drawCard();
    if (focused) {
      (card.querySelector(`[data-testid="${focused}"]`) || card.querySelector(`[data-testid="${COUNTERPART[focused]}"]`))?.focus();
    }
  }

  function drawCard() {
    clear(card);
    const c = view.config || {};
    const s = view.status || {};
    const st = liveState || s.state;
    const stateInfo = STATES[st] || { label: st, kind: 'neutral' };
    const actionErrors = h('div');
    card.append(h('article', { class: 'card upstream-card', 'aria-labelledby': 'upstream-title' },
      h('div', { class: 'upstream-head' },
        h('h2', { id: 'upstream-title' }, 'Sync state'),
        ui.badge(stateInfo.label, stateInfo.kind, { 'data-testid': 'upstream-state', 'data-state': st }),
        c.active ? null : h('span', { class: 'muted small', 'data-testid': 'paused-note' }, 'paused: no scheduled syncs')),
      s.error ? h('p', { class: 'upstream-error', 'data-testid': 'upstream-error' }, s.error) : null,
      s.review ? h('p', { class: 'notice' }, 'A review waits for an owner: ',
        h('a', { href: `${base}/reviews/${seg(String(s.review))}`, 'data-testid': 'review-link' }, `review ${s.review}`)) : null,
      owner ? actions(c, actionErrors) : h('p', { class: 'muted small', 'data-testid': 'owner-only' },
        'Only team owners can pause, resume or sync now.'),
      actionErrors,
      h('dl', { class: 'upstream-config' },
        h('dt', 'Follows'), h('dd', h('code', { 'data-testid': 'upstream-url' }, c.url), ' branch ', h('code', c.branch),
          c.path ? [' file ', h('code', c.path)] : ' (Node-RED project at the root)'),
        h('dt', 'Interval'), h('dd', `every ${minutes(c.intervalSeconds)}`),
        h('dt', 'Last sync'), h('dd', s.lastSyncAt ? timeEl(s.lastSyncAt, 'last-sync') : 'never'),
        h('dt', 'Next sync'), h('dd', c.active && s.nextSyncAt ? timeIn(s.nextSyncAt) : c.active ? 'soon' : 'none while paused'),
        s.failures ? [h('dt', 'Failures in a row'), h('dd', String(s.failures))] : null),
      h('div', { class: 'commits' },
        commit('Local (main of ' + name + ')', s.local, 'local'),
        commit('Remote (' + (c.branch || '') + ')', s.remote, 'remote')),
      h('p', { class: 'ahead-behind', 'data-testid': 'ahead-behind' },
        h('span', { 'data-testid': 'ahead' }, `${s.ahead ?? '?'} ahead`), ' · ',
        h('span', { 'data-testid': 'behind' }, `${s.behind ?? '?'} behind`),
        h('span', { class: 'muted small' }, ' (ahead: local commits the next remote change replaces; behind: remote commits not applied yet)'))),
    dependencies(view.dependencies));
  }

  function actions(c, slot) {
    const buttons = [];
    if (c.active) buttons.push(action('Pause', 'upstream-pause', 'pause'));
    else buttons.push(action('Resume', 'upstream-resume', 'resume'));
    buttons.push(action('Sync now', 'upstream-sync', 'sync'));
    return h('div', { class: 'upstream-actions' }, buttons);

    function action(label, testid, verb) {
      const b = h('button', { type: 'button', class: verb === 'sync' ? 'btn btn-primary' : 'btn', 'data-testid': testid }, label);
      b.addEventListener('click', () => ui.busy(b, slot, async () => {
        const answer = await api.post(`${path}/${verb}`, {});
        if (answer && answer.status) {
          view = answer;
          liveState = null;
          draw();
          checkStale();
        }
        reloadSoon(); // the answer may predate events already handled: read the status once more
        ui.toast(verb === 'sync' ? 'Sync started' : verb === 'pause' ? 'Sync paused' : 'Sync resumed');
      }));
      return b;
    }
  }

  function commit(label, c, key) {
    return h('section', { class: 'commit-box', 'data-testid': `commit-${key}`, 'aria-label': label },
      h('h3', label),
      c ? [
        h('p', h('span', { class: 'mono', title: c.hash, 'data-testid': `${key}-sha` }, shortSha(c.hash)), ' ',
          h('span', { 'data-testid': `${key}-message` }, c.message || '')),
        h('p', { class: 'muted small' }, c.author ? `by ${c.author}` : '', c.date ? [', ', timeEl(c.date)] : null),
      ] : h('p', { class: 'muted' }, 'none yet'));
  }

  function dependencies(d) {
    if (!d) return null;
    const required = Object.entries(d.required || {});
    const missing = d.missing || [];
    return h('section', { class: 'card deps', 'aria-labelledby': 'deps-title', 'data-testid': 'dependencies' },
      h('h2', { id: 'deps-title' }, 'Dependency plan'),
      d.summary ? h('p', { 'data-testid': 'deps-summary' }, d.summary) : null,
      required.length ? scrollable(ui.table([
        { label: 'Module', cell: ([m]) => h('code', m) },
        { label: 'Version', cell: ([, v]) => v },
      ], required, { 'aria-label': 'Modules package.json lists' }), 'Modules package.json lists')
        : h('p', { class: 'muted' }, 'package.json lists no modules.'),
      missing.length ? [h('h3', 'Node types no listed module provides'),
        h('ul', { 'data-testid': 'deps-missing' }, missing.map((m) => h('li', ui.badge('✕ missing', 'error'), ' ', h('code', m.type),
          m.module ? [' from ', h('code', m.module)] : ' (no known module)',
          m.nodes ? h('span', { class: 'muted small' }, ` — used by ${m.nodes} node(s)`) : null)))]
        : h('p', { 'data-testid': 'deps-complete' }, ui.badge('✓ complete', 'ok'), ' Every node type the flows use is provided.'),
      d.npmInstall ? h('p', { class: 'npm' }, h('code', { 'data-testid': 'npm-install' }, d.npmInstall), ' ',
        copyWithLabel(d.npmInstall, 'Copy the npm install command')) : null);
  }

  function copyWithLabel(text, label) {
    const b = ui.copyButton(text, 'Copy');
    b.setAttribute('aria-label', label);
    return b;
  }

  function timeEl(t, testid) {
    return h('time', { datetime: t, title: fmtTime(t), 'data-age': t, 'data-testid': testid }, fmtAge(t));
  }

  function timeIn(t) {
    const s = Math.round((Date.parse(t) - Date.now()) / 1000);
    return h('time', { datetime: t, title: fmtTime(t) }, s <= 0 ? 'due now' : `in ${s < 90 ? s + ' s' : Math.round(s / 60) + ' min'}`);
  }

  /** The banner: an active sync that no answer or event has shown alive for more than twice its interval. */
  function checkStale() {
    const c = view && view.config;
    if (!c || !c.active || !c.intervalSeconds) {
      stale.hidden = true;
      return;
    }
    const heard = Math.max(view.status.lastSyncAt ? Date.parse(view.status.lastSyncAt) : 0, lastEventAt);
    const limit = 2 * c.intervalSeconds * 1000;
    const silent = heard ? Date.now() - heard : Infinity;
    if (silent > limit) {
      stale.hidden = false;
      stale.textContent = heard
        ? `No sync for ${minutes(Math.round(silent / 1000))}, more than twice the interval (${minutes(c.intervalSeconds)}): `
          + 'the remote may be unreachable or the server busy. The state shown may be out of date.'
        : `No sync has run yet, although the interval (${minutes(c.intervalSeconds)}) has passed twice since it was resumed `
          + 'or the page opened.';
    } else {
      stale.hidden = true;
    }
  }

  function minutes(seconds) {
    if (!seconds && seconds !== 0) return '?';
    if (seconds < 120) return `${seconds} s`;
    if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
    return `${Math.round(seconds / 3600)} h`;
  }

  let timer = null;
  function reloadSoon() {
    clearTimeout(timer);
    timer = setTimeout(load, 300);
  }

  const opened = Date.now();
  await load();
  if (view && !view.status.lastSyncAt) lastEventAt = opened; // the first interval counts from now
  const offs = [
    live.on('upstream', (e) => {
      if (e.target !== name) return;
      lastEventAt = Date.now();
      if (view && e.data && e.data.state) {
        liveState = e.data.state;
        draw();
      }
      checkStale();
      reloadSoon();
    }),
    live.on('push', (e) => { if (e.target === name) reloadSoon(); }),
    live.on('resync', reloadSoon),
  ];
  // A sync that finds nothing new sends no event, but moves lastSyncAt: re-read at the interval so the
  // banner only shows when syncs really stopped; re-check the banner and the ages more often.
  const interval = Math.max(30, Math.min(600, (view && view.config && view.config.intervalSeconds) || 300));
  const poll = setInterval(load, interval * 1000);
  const tick = setInterval(() => {
    checkStale();
    for (const el of card.querySelectorAll('[data-age]')) el.textContent = fmtAge(el.dataset.age);
  }, 15000);
  return () => {
    offs.forEach((off) => off());
    clearTimeout(timer);
    clearInterval(poll);
    clearInterval(tick);
  };
}
