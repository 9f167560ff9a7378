// The REST API as the signed-in browser calls it: the session cookie goes along, the CSRF token is sent
// on every state-changing call, and a refusal becomes an ApiError carrying the API's own message.

let csrfToken = null;
let onSignedOut = () => {};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export function setCsrfToken(token) {
  csrfToken = token;
}

/** Called with the ApiError when a call answers 401 (the session ended): the shell shows the sign-in form. */
export function setSignedOutHandler(fn) {
  onSignedOut = fn;
}

async function errorOf(res) {
  let code = 'http_' + res.status;
  let message = `${res.status} ${res.statusText || 'request failed'}`;
  try {
    const body = await res.json();
    if (body && body.error) {
      code = body.error.code || code;
      message = body.error.message || message;
    }
  } catch (e) {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, code, message);
}

async function call(method, path, body, options = {}) {
  const headers = { 'Accept': 'application/json', 'X-Flowstage-UI': '1' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let payload;
  if (body !== undefined) {
    if (typeof body === 'string') {
      headers['Content-Type'] = options.contentType || 'application/json';
      payload = body;
    } else {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
  }
  let res;
  try {
    res = await fetch('/api/v1/' + String(path).replace(/^\/+/, ''), {
      method, headers, body: payload, credentials: 'same-origin', cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'network', 'the server could not be reached: ' + e.message);
  }
  if (!res.ok) {
    const err = await errorOf(res);
    if (res.status === 401 && !options.quiet) onSignedOut(err);
    throw err;
  }
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  if (options.raw) return res;
  return type.includes('json') ? res.json() : res.text();
}

/** Every item of a paged list ({items, next}), following the cursor up to `max` items. */
async function all(path, max = 2000) {
  const items = [];
  let next = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await call('GET', next ? `${path}${sep}cursor=${encodeURIComponent(next)}` : path);
    items.push(...(page.items || []));
    next = page.next;
  } while (next && items.length < max);
  return items;
}

export const api = {
  get: (path, options) => call('GET', path, undefined, options),
  post: (path, body, options) => call('POST', path, body === undefined ? {} : body, options),
  put: (path, body, options) => call('PUT', path, body, options),
  patch: (path, body, options) => call('PATCH', path, body, options),
  del: (path, options) => call('DELETE', path, undefined, options),
  all,
};

/** Encodes one path segment (team, target, pipeline names are already URL-safe, but be exact). */
export function seg(s) {
  return encodeURIComponent(s);
}
