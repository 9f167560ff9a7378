// #/account: the signed-in user's personal access tokens and SSH keys. A new token is shown once, with a
// copy button; the API never returns it again.

import { h, clear, fmtAge, fmtTime } from '../lib/dom.js';
import { seg } from '../lib/api.js';

export async function render(root, ctx) {
  const { api, ui } = ctx;
  ui.useCss('css/account.css');

  const tokensSlot = h('div', { 'data-testid': 'tokens' });
  const keysSlot = h('div', { 'data-testid': 'keys' });
  const newTokenSlot = h('div', { 'aria-live': 'polite' });

  root.append(
    ui.pageHeader('Your account'),
    h('p', { class: 'muted' }, 'Signed in as ', h('strong', { 'data-testid': 'account-user' }, ctx.user.name),
      ctx.user.admin ? ' (server administrator)' : ''),
    h('section', { class: 'account-section', 'aria-labelledby': 'tokens-title' },
      h('h2', { id: 'tokens-title' }, 'Personal access tokens'),
      h('p', { class: 'muted' }, 'Use a token instead of your password for Git over HTTPS and for the REST API '
        + '(Authorization: Bearer TOKEN). read: look only; write: push and change; admin: also manage tokens and keys.'),
      tokenForm(),
      newTokenSlot,
      tokensSlot),
    h('section', { class: 'account-section', 'aria-labelledby': 'keys-title' },
      h('h2', { id: 'keys-title' }, 'SSH keys'),
      h('p', { class: 'muted' }, 'Public keys that may clone and push over SSH as you.'),
      keyForm(),
      keysSlot));

  await Promise.all([loadTokens(), loadKeys()]);

  async function loadTokens() {
    let tokens;
    try {
      tokens = await api.all('tokens');
    } catch (e) {
      ui.showError(tokensSlot, e);
      return;
    }
    clear(tokensSlot);
    if (!tokens.length) {
      tokensSlot.append(h('p', { class: 'muted', 'data-testid': 'no-tokens' }, 'You have no tokens.'));
      return;
    }
    const errors = h('div');
    tokensSlot.append(errors, ui.table([
      { label: 'Name', cell: (t) => h('span', { class: 'mono', 'data-testid': 'token-name-cell' }, t.name) },
      { label: 'Scope', cell: (t) => ui.badge(t.scope, t.scope === 'admin' ? 'warn' : 'neutral') },
      { label: 'Created', cell: (t) => h('time', { datetime: t.createdAt, title: fmtTime(t.createdAt) }, fmtAge(t.createdAt)) },
      { label: 'Expires', cell: (t) => (t.expiresAt ? h('time', { datetime: t.expiresAt }, fmtTime(t.expiresAt)) : 'never') },
      {
        label: 'Actions',
        cell: (t) => {
          const b = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-testid': 'token-revoke',
            'aria-label': `Revoke token ${t.name}` }, 'Revoke');
          b.addEventListener('click', async () => {
            if (!await ui.confirmDialog(`Revoke token '${t.name}'?`, 'Revoke',
              'Anything using it (scripts, Git remotes) stops working at once.')) return;
            await ui.busy(b, errors, async () => {
              await api.del(`tokens/${seg(t.name)}`);
              ui.toast(`Token '${t.name}' revoked`);
              await loadTokens();
            });
          });
          return b;
        },
      },
    ], tokens, { 'data-testid': 'tokens-table', 'aria-labelledby': 'tokens-title' }));
    for (const [i, row] of [...tokensSlot.querySelectorAll('tbody tr')].entries()) {
      row.dataset.testid = 'token-row';
      row.dataset.name = tokens[i].name;
    }
  }

  function tokenForm() {
    const name = h('input', { id: 'token-name', name: 'name', required: true, maxlength: '100', autocomplete: 'off',
      'data-testid': 'token-name', placeholder: 'laptop-git' });
    const scope = h('select', { id: 'token-scope', name: 'scope', 'data-testid': 'token-scope' },
      h('option', { value: 'read' }, 'read'), h('option', { value: 'write', selected: true }, 'write'),
      h('option', { value: 'admin' }, 'admin'));
    const days = h('input', { id: 'token-days', name: 'expiresInDays', type: 'number', min: '1', inputmode: 'numeric',
      'data-testid': 'token-days', placeholder: 'never' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'token-create' }, 'Create token');
    const errors = h('div');
    const form = h('form', { class: 'account-form', 'aria-label': 'Create a token' },
      h('div', { class: 'field' }, h('label', { for: 'token-name' }, 'Name'), name),
      h('div', { class: 'field' }, h('label', { for: 'token-scope' }, 'Scope'), scope),
      h('div', { class: 'field' }, h('label', { for: 'token-days' }, 'Expires in days (optional)'), days),
      h('div', { class: 'field field-submit' }, submit),
      errors);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = { name: name.value.trim(), scope: scope.value };
      if (days.value.trim()) body.expiresInDays = Number(days.value);
      await ui.busy(submit, errors, async () => {
        const created = await api.post('tokens', body);
        name.value = '';
        days.value = '';
        showNewToken(created);
        await loadTokens();
      });
    });
    return form;
  }

  function showNewToken(created) {
    clear(newTokenSlot);
    const value = h('input', { id: 'new-token-value', class: 'mono secret-value', readonly: true, value: created.token,
      'data-testid': 'new-token', 'aria-describedby': 'new-token-note' });
    const copy = ui.copyButton(created.token, 'Copy token');
    copy.setAttribute('aria-label', 'Copy the new token');
    copy.dataset.testid = 'new-token-copy';
    const done = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'new-token-done' }, 'Done');
    done.addEventListener('click', () => clear(newTokenSlot));
    newTokenSlot.append(h('div', { class: 'new-secret', role: 'region', 'aria-labelledby': 'new-token-title' },
      h('h3', { id: 'new-token-title' }, `New token '${created.name}' (${created.scope})`),
      h('p', { id: 'new-token-note' }, h('strong', 'Copy it now: '), 'it is shown only this once.'),
      h('div', { class: 'secret-row' }, h('label', { for: 'new-token-value', class: 'visually-hidden' }, 'New token'),
        value, copy, done)));
    value.focus();
    value.select();
  }

  async function loadKeys() {
    let keys;
    try {
      keys = await api.all('user/keys');
    } catch (e) {
      ui.showError(keysSlot, e);
      return;
    }
    clear(keysSlot);
    if (!keys.length) {
      keysSlot.append(h('p', { class: 'muted', 'data-testid': 'no-keys' }, 'You have no SSH keys.'));
      return;
    }
    const errors = h('div');
    keysSlot.append(errors, ui.table([
      { label: 'Title', cell: (k) => k.title },
      { label: 'Type', cell: (k) => k.type },
      { label: 'Fingerprint', cell: (k) => h('span', { class: 'mono fingerprint' }, k.fingerprint) },
      { label: 'Added', cell: (k) => h('time', { datetime: k.createdAt, title: fmtTime(k.createdAt) }, fmtAge(k.createdAt)) },
      {
        label: 'Actions',
        cell: (k) => {
          const b = h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-testid': 'key-remove',
            'aria-label': `Remove SSH key ${k.title}` }, 'Remove');
          b.addEventListener('click', async () => {
            if (!await ui.confirmDialog(`Remove SSH key '${k.title}'?`, 'Remove')) return;
            await ui.busy(b, errors, async () => {
              await api.del(`user/keys/${seg(k.title)}`);
              await loadKeys();
            });
          });
          return b;
        },
      },
    ], keys, { 'data-testid': 'keys-table', 'aria-labelledby': 'keys-title' }));
    for (const [i, row] of [...keysSlot.querySelectorAll('tbody tr')].entries()) {
      row.dataset.testid = 'key-row';
      row.dataset.title = keys[i].title;
    }
  }

  function keyForm() {
    const title = h('input', { id: 'key-title', name: 'title', required: true, autocomplete: 'off', 'data-testid': 'key-title',
      placeholder: 'laptop' });
    const key = h('textarea', { id: 'key-value', name: 'key', required: true, rows: '3', spellcheck: 'false',
      class: 'mono', 'data-testid': 'key-value', placeholder: 'ssh-ed25519 AAAA… you@laptop' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'key-add' }, 'Add key');
    const errors = h('div');
    const form = h('form', { class: 'account-form account-form-key', 'aria-label': 'Add an SSH key' },
      h('div', { class: 'field' }, h('label', { for: 'key-title' }, 'Title'), title),
      h('div', { class: 'field field-wide' }, h('label', { for: 'key-value' }, 'Public key'), key),
      h('div', { class: 'field field-submit' }, submit),
      errors);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      await ui.busy(submit, errors, async () => {
        await api.post('user/keys', { title: title.value.trim(), key: key.value.trim() });
        title.value = '';
        key.value = '';
        await loadKeys();
      });
    });
    return form;
  }
}
