// The shell: sign-in, the top bar (team switcher, account, sign-out), the hash router and the live banner.
// Each page is a module in views/ exporting render(root, ctx) (see views/README.md).

import { api, setCsrfToken, setSignedOutHandler, seg } from './lib/api.js';
import { h, clear } from './lib/dom.js';
import { Live } from './lib/live.js';
import * as ui from './lib/ui.js';

const main = document.getElementById('main');
const topbar = document.getElementById('topbar');
const live = new Live(document.getElementById('live-banner'));

const state = { user: null, teams: [], cleanup: null, renderSeq: 0 };

// Route table: pattern → view module and parameter names. First match wins.
const ROUTES = [
  { re: /^\/t\/([^/]+)$/, view: 'overview', params: ['team'] },
  { re: /^\/t\/([^/]+)\/pipelines$/, view: 'pipelines', params: ['team'] },
  { re: /^\/t\/([^/]+)\/pipelines\/([^/]+)$/, view: 'pipeline', params: ['team', 'pipeline'] },
  { re: /^\/t\/([^/]+)\/runs\/([^/]+)\/([^/]+)$/, view: 'run', params: ['team', 'pipeline', 'run'] },
  { re: /^\/t\/([^/]+)\/(instances|devices|groups)\/([^/]+)\/snapshots$/, view: 'snapshots', params: ['team', 'kind', 'name'] },
  { re: /^\/t\/([^/]+)\/(instances|devices|groups)\/([^/]+)\/snapshots\/([0-9a-f]{7,40})$/, view: 'snapshots', params: ['team', 'kind', 'name', 'at'] },
  { re: /^\/t\/([^/]+)\/(instances|devices|groups)\/([^/]+)\/compare\/([^/]+)\/([^/]+)$/, view: 'compare', params: ['team', 'kind', 'name', 'from', 'to'] },
  { re: /^\/t\/([^/]+)\/reviews\/([^/]+)$/, view: 'review', params: ['team', 'id'] },
  { re: /^\/t\/([^/]+)\/groups\/([^/]+)$/, view: 'group', params: ['team', 'name'] },
  { re: /^\/t\/([^/]+)\/instances\/([^/]+)\/upstream$/, view: 'upstream', params: ['team', 'name'] },
  { re: /^\/account$/, view: 'account', params: [] },
];

export function navigate(hash) {
  const target = hash.startsWith('#') ? hash : '#' + hash;
  if (location.hash === target) route();
  else location.hash = target;
}

function match(path) {
  for (const r of ROUTES) {
    const m = r.re.exec(path);
    if (m) {
      const params = {};
      r.params.forEach((name, i) => { params[name] = decodeURIComponent(m[i + 1]); });
      return { view: r.view, params };
    }
  }
  return null;
}

async function route() {
  if (!state.user) return;
  const hash = location.hash || '#/';
  if (!hash.startsWith('#/')) return; // an in-page anchor, not a route
  const path = hash.slice(1).replace(/\/+$/, '') || '/';
  if (path === '/') {
    const first = state.teams[0];
    if (first) {
      location.replace('#/t/' + seg(first.name));
      return;
    }
    renderPage(null, () => [ui.pageHeader('Welcome to Flowstage'),
      h('p', { 'data-testid': 'no-teams' }, 'You are not a member of any team yet. An administrator adds you to one; '
        + 'administrators create teams with POST /api/v1/teams (see the API docs at /api/docs).')]);
    return;
  }
  const found = match(path);
  if (!found) {
    renderPage(null, () => [ui.pageHeader('Page not found'), h('p', 'There is no page at ' + path + '.'),
      h('p', h('a', { href: '#/' }, 'Go to the overview'))]);
    return;
  }
  const team = found.params.team ? state.teams.find((t) => t.name === found.params.team) : null;
  if (found.params.team && !team) {
    renderPage(null, () => [ui.pageHeader('Team not found'),
      h('p', { 'data-testid': 'team-not-found' }, `Team '${found.params.team}' does not exist or you are not a member of it.`)]);
    return;
  }
  renderTopbar(team ? team.name : null);
  if (team) live.connect(team.name);
  const seq = ++state.renderSeq;
  let module;
  try {
    module = await import(`./views/${found.view}.js`);
  } catch (e) {
    renderPage(team, () => [ui.pageHeader('This page could not be loaded'), ui.errorBox(e)]);
    return;
  }
  if (seq !== state.renderSeq) return; // the user moved on while the module loaded
  runCleanup();
  clear(main);
  const ctx = {
    api, live, ui, navigate,
    team: team ? team.name : null,
    role: team ? team.role : null,
    user: state.user,
    params: found.params,
  };
  try {
    const cleanup = await module.render(main, ctx);
    if (seq === state.renderSeq) state.cleanup = typeof cleanup === 'function' ? cleanup : null;
    else if (typeof cleanup === 'function') cleanup();
  } catch (e) {
    if (seq === state.renderSeq) main.append(ui.errorBox(e));
  }
  if (seq === state.renderSeq) focusHeading();
}

function renderPage(team, build) {
  state.renderSeq++;
  runCleanup();
  renderTopbar(team ? team.name : null);
  clear(main);
  main.append(...build());
  focusHeading();
}

function runCleanup() {
  if (state.cleanup) {
    try {
      state.cleanup();
    } catch (e) {
      console.error(e);
    }
    state.cleanup = null;
  }
}

function focusHeading() {
  // keyboard and screen-reader users land on the new page's title, not at the top of the document
  const title = main.querySelector('h1');
  if (title) {
    if (!title.hasAttribute('tabindex')) title.setAttribute('tabindex', '-1');
    title.focus({ preventScroll: true });
  }
}

function renderTopbar(currentTeam) {
  topbar.hidden = false;
  clear(topbar);
  const select = h('select', { id: 'team-switcher', 'data-testid': 'team-switcher' },
    state.teams.map((t) => h('option', { value: t.name, selected: t.name === currentTeam }, t.name)));
  if (!currentTeam) select.prepend(h('option', { value: '', selected: true, disabled: true }, 'Choose a team'));
  select.addEventListener('change', () => navigate('#/t/' + seg(select.value)));
  const teamPart = state.teams.length
    ? h('div', { class: 'team-switch' }, h('label', { for: 'team-switcher' }, 'Team'), select)
    : null;
  const nav = currentTeam
    ? h('nav', { class: 'topnav', 'aria-label': 'Team' },
      h('a', { href: '#/t/' + seg(currentTeam), 'data-testid': 'nav-overview' }, 'Overview'),
      h('a', { href: `#/t/${seg(currentTeam)}/pipelines`, 'data-testid': 'nav-pipelines' }, 'Pipelines'))
    : null;
  topbar.append(
    h('a', { class: 'brand', href: '#/' }, 'Flowstage'),
    ...[teamPart, nav].filter(Boolean), // Element.append would print a null as the text "null"
    h('div', { class: 'user-menu' },
      h('a', { href: '#/account', 'data-testid': 'nav-account' }, h('span', { class: 'user-name', 'data-testid': 'user-name' }, state.user.name)),
      h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'sign-out', on: { click: signOut } }, 'Sign out')));
}

async function signOut() {
  try {
    await api.del('session', { quiet: true });
  } catch (e) {
    // the session may already be gone; signing out locally is what the user asked for
  }
  signedOut('You are signed out.');
}

function signedOut(message) {
  live.disconnect();
  runCleanup();
  state.user = null;
  state.teams = [];
  setCsrfToken(null);
  topbar.hidden = true;
  clear(topbar);
  showSignIn(message);
}

function showSignIn(message) {
  clear(main);
  const error = h('div', { class: 'form-error', 'aria-live': 'assertive' });
  const user = h('input', { id: 'signin-user', name: 'username', autocomplete: 'username', required: true, 'data-testid': 'signin-user' });
  const pass = h('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'signin-password' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'signin-submit' }, 'Sign in');
  const form = h('form', { class: 'signin', 'data-testid': 'signin-form', 'aria-labelledby': 'signin-title' },
    h('h1', { id: 'signin-title', tabindex: '-1' }, 'Sign in to Flowstage'),
    message ? h('p', { class: 'notice', 'data-testid': 'signin-notice' }, message) : null,
    h('div', { class: 'field' }, h('label', { for: 'signin-user' }, 'User name'), user),
    h('div', { class: 'field' }, h('label', { for: 'signin-password' }, 'Password'), pass),
    error, submit);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    ui.showError(error, null);
    submit.disabled = true;
    try {
      const session = await api.post('session', { username: user.value, password: pass.value }, { quiet: true });
      pass.value = '';
      await signedIn(session);
    } catch (err) {
      ui.showError(error, err);
      pass.focus();
    } finally {
      submit.disabled = false;
    }
  });
  main.append(form);
  user.focus();
}

async function signedIn(session) {
  setCsrfToken(session.csrfToken);
  state.user = session.user;
  state.teams = await api.all('teams');
  await route();
}

setSignedOutHandler((err) => {
  if (state.user) signedOut(err.message.includes('session') ? err.message : 'Your session has ended: sign in again.');
});

document.querySelector('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault(); // the hash is the router's; move focus instead
  main.focus();
});

window.addEventListener('hashchange', route);

(async function start() {
  try {
    const session = await api.get('session', { quiet: true });
    if (!session.csrfToken) {
      showSignIn();
      return;
    }
    await signedIn(session);
  } catch (e) {
    if (e.status === 401) showSignIn();
    else {
      clear(main);
      main.append(ui.errorBox(e));
    }
  }
}());
