// Shared widgets. Every refusal shows the API's own message (errorBox).

import { h, clear } from './dom.js';

const loadedCss = new Set();

/** Adds the stylesheet at `path` (relative to the UI root, e.g. 'css/pipeline.css') once. */
export function useCss(path) {
  if (loadedCss.has(path)) return;
  loadedCss.add(path);
  const href = new URL('../' + path, import.meta.url).href;
  document.head.append(h('link', { rel: 'stylesheet', href }));
}

/** A box saying what went wrong, in the API's words. */
export function errorBox(err) {
  const message = err && err.message ? err.message : String(err);
  return h('div', { class: 'error-box', role: 'alert', 'data-testid': 'error' }, message);
}

/** Replaces what `slot` shows with the error (or clears it when err is null). */
export function showError(slot, err) {
  clear(slot);
  if (err) slot.append(errorBox(err));
}

export function badge(text, kind = 'neutral', attrs = {}) {
  return h('span', { class: `badge badge-${kind}`, ...attrs }, text);
}

/** A button copying `text` to the clipboard; says "Copied" for a moment. */
export function copyButton(text, label = 'Copy') {
  const b = h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'copy', 'aria-label': `${label}: ${text}` }, label);
  b.addEventListener('click', async () => {
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch (e) {
      // clipboard refused (plain HTTP): select a hidden field and use execCommand
      const t = h('textarea', { class: 'offscreen', 'aria-hidden': 'true' });
      t.value = text;
      document.body.append(t);
      t.select();
      try {
        ok = document.execCommand('copy');
      } catch (e2) {
        ok = false;
      }
      t.remove();
    }
    b.textContent = ok ? 'Copied' : 'Copy failed';
    b.dataset.copied = ok ? 'true' : 'false';
    setTimeout(() => { b.textContent = label; }, 2000);
  });
  return b;
}

/** A modal question; resolves true when confirmed. The confirm button's label names the action. */
export function confirmDialog(message, confirmLabel = 'Confirm', details) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'dialog', 'data-testid': 'confirm-dialog', 'aria-labelledby': 'confirm-title' },
      h('h2', { id: 'confirm-title' }, message),
      details ? h('p', details) : null,
      h('div', { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'btn', 'data-testid': 'confirm-cancel', on: { click: () => done(false) } }, 'Cancel'),
        h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'confirm-ok', on: { click: () => done(true) } }, confirmLabel)));
    function done(v) {
      dialog.close();
      dialog.remove();
      resolve(v);
    }
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A short message at the bottom of the page. */
export function toast(message) {
  const box = document.getElementById('toasts');
  if (!box) return;
  const t = h('div', { class: 'toast' }, message);
  box.append(t);
  setTimeout(() => t.remove(), 5000);
}

/**
 * A table inside its own horizontally scrolling container (readable at phone width).
 * columns: [{label, cell: row => Node|string}], rows: array.
 */
export function table(columns, rows, attrs = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'table', ...attrs },
      h('thead', h('tr', columns.map((c) => h('th', { scope: 'col' }, c.label)))),
      h('tbody', rows.map((r) => h('tr', columns.map((c) => h('td', c.cell(r))))))));
}

/** A page heading with optional actions on the right. */
export function pageHeader(title, ...actions) {
  return h('div', { class: 'page-header' }, h('h1', { tabindex: '-1', 'data-testid': 'page-title' }, title),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

/** Runs an async action from a button: disables it while running, shows the API's message in `slot`. */
export async function busy(button, slot, action) {
  button.disabled = true;
  if (slot) clear(slot);
  try {
    return await action();
  } catch (e) {
    if (slot) slot.append(errorBox(e));
    else toast(e.message);
    return undefined;
  } finally {
    button.disabled = false;
  }
}
