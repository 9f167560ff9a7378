// Small DOM helpers: build elements without innerHTML (so no markup injection), format times and SHAs.

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(el, attrs) {
  if (!attrs) return el;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else if (k === 'text') el.textContent = v;
    else if (k === 'on') for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    else if (k === 'style') throw new Error('inline styles are refused by the CSP: use a class or el.style');
    else if (k === 'dataset') for (const [dk, dv] of Object.entries(v)) el.dataset[dk] = dv;
    else if (k === 'value' && 'value' in el) el.value = v;
    else if (k === 'checked' && 'checked' in el) el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** h('button', {class: 'btn', on: {click: fn}}, 'Deploy') */
export function h(tag, attrs, ...children) {
  if (attrs instanceof Node || typeof attrs === 'string' || Array.isArray(attrs)) {
    children.unshift(attrs);
    attrs = null;
  }
  return append(apply(document.createElement(tag), attrs), children);
}

/** The same for SVG elements. */
export function svg(tag, attrs, ...children) {
  if (attrs instanceof Node || typeof attrs === 'string' || Array.isArray(attrs)) {
    children.unshift(attrs);
    attrs = null;
  }
  return append(apply(document.createElementNS(SVG_NS, tag), attrs), children);
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function shortSha(sha) {
  return sha ? String(sha).slice(0, 7) : '';
}

/** "just now", "5 min ago", "3 h ago", "2 days ago", or a date for anything older than a month. */
export function fmtAge(time, now = Date.now()) {
  if (time === undefined || time === null || time === '') return '';
  const t = typeof time === 'number' ? time : Date.parse(time);
  if (Number.isNaN(t)) return '';
  const s = Math.round((now - t) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  if (s < 30 * 86400) {
    const d = Math.round(s / 86400);
    return d === 1 ? '1 day ago' : `${d} days ago`;
  }
  return new Date(t).toISOString().slice(0, 10);
}

/** An ISO time as "2026-12-02 08:41 UTC". */
export function fmtTime(time) {
  if (!time) return '';
  const t = typeof time === 'number' ? new Date(time) : new Date(Date.parse(time));
  if (Number.isNaN(t.getTime())) return '';
  return t.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}
