// Pieces shared by the pipeline page and the run page: a run's status badge and its log.
import { h } from '../lib/dom.js';

/** Builds an element and appends the children, skipping null/undefined/false and flattening arrays. */
export function el(tag, attrs, ...children) {
  return add(h(tag, attrs || {}), ...children);
}

/** Appends the children to {@code parent}, skipping null/undefined/false and flattening arrays. */
export function add(parent, ...children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    parent.append(c instanceof Node ? c : String(c));
  }
  return parent;
}

const STATUS = {
  queued: { icon: '…', kind: 'info', label: 'queued' },
  running: { icon: '▶', kind: 'info', label: 'running' },
  awaiting_approval: { icon: '‖', kind: 'warn', label: 'awaiting approval' },
  succeeded: { icon: '✓', kind: 'ok', label: 'succeeded' },
  failed: { icon: '✗', kind: 'error', label: 'failed' },
  rejected: { icon: '✗', kind: 'error', label: 'rejected' },
};

/** The status as text with an icon (colour is never the only signal); data-status carries the raw value. */
export function runStatus(ui, status, testid) {
  const s = STATUS[status] || { icon: '?', kind: 'info', label: status };
  const b = ui.badge(`${s.icon} ${s.label}`, s.kind);
  b.classList.add('run-status', `run-status-${status}`);
  b.dataset.status = status;
  if (testid) b.dataset.testid = testid;
  return b;
}


/** The run's log lines as an ordered list with their times. */
export function runLog(run, testid) {
  const lines = run.log || [];
  const list = el('ol', { class: 'run-log', 'data-testid': testid, 'aria-label': `Log of run ${run.id}` });
  if (lines.length === 0) {
    list.append(el('li', { class: 'run-log-empty' }, 'No log lines yet.'));
  }
  for (const l of lines) {
    list.append(el('li', {},
      el('time', { datetime: l.at, class: 'run-log-time' }, new Date(l.at).toLocaleTimeString()),
      ' ',
      el('span', { class: 'run-log-message' }, l.message)));
  }
  return list;
}

/** The plural route segment of a stage kind (instance → instances). */
export function plural(kind) {
  return kind === 'instance' ? 'instances' : kind === 'device' ? 'devices' : kind === 'group' ? 'groups' : null;
}

/** A route path segment, encoded. */
export function seg(s) {
  return encodeURIComponent(s);
}
