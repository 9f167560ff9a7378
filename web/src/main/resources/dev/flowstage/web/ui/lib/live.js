// The team's event stream (WebSocket with a single-use ticket), shared by every view of the page.
// Handlers subscribe by event type; on a dropped connection it reconnects with backoff, says so in the
// banner, and after reconnecting sends a synthetic {type: 'resync'} event so views reload what they
// show (events that happened while the connection was down are not replayed).

import { api, seg } from './api.js';

export class Live {
  constructor(banner) {
    this.banner = banner;
    this.handlers = new Map();
    this.team = null;
    this.socket = null;
    this.attempt = 0;
    this.timer = null;
    this.state = 'idle';
    this.everConnected = false;
  }

  /** live.on('run', e => ...) → unsubscribe function. Type '*' gets every event. */
  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(handler);
    return () => this.handlers.get(type)?.delete(handler);
  }

  emit(event) {
    for (const key of [event.type, '*']) {
      for (const fn of [...(this.handlers.get(key) || [])]) {
        try {
          fn(event);
        } catch (e) {
          console.error('live handler failed', e);
        }
      }
    }
  }

  /** Follows `team`'s stream (closing any other). */
  connect(team) {
    if (this.team === team && this.socket) return;
    this.disconnect();
    this.team = team;
    this.attempt = 0;
    this.everConnected = false;
    this.open();
  }

  disconnect() {
    clearTimeout(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    this.team = null;
    if (s) {
      s.onclose = null;
      s.close(1000, 'leaving');
    }
    this.setState('idle');
  }

  async open() {
    const team = this.team;
    if (!team) return;
    this.setState(this.everConnected ? 'reconnecting' : 'connecting');
    let ticket;
    try {
      ticket = (await api.post(`teams/${seg(team)}/events/ticket`, {}, { quiet: true })).ticket;
    } catch (e) {
      if (e.status === 401 || e.status === 403 || e.status === 404) {
        this.setState('refused', e.message);
        return;
      }
      this.retry();
      return;
    }
    if (team !== this.team) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/teams/${seg(team)}/events?ticket=${encodeURIComponent(ticket)}`);
    this.socket = socket;
    socket.onopen = () => {
      const wasDown = this.everConnected;
      this.attempt = 0;
      this.everConnected = true;
      this.setState('open');
      if (wasDown) this.emit({ type: 'resync', team });
    };
    socket.onmessage = (m) => {
      let event;
      try {
        event = JSON.parse(m.data);
      } catch (e) {
        return;
      }
      this.emit(event);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.retry();
    };
  }

  retry() {
    this.attempt += 1;
    const base = Math.min(30, 2 ** Math.min(this.attempt - 1, 5));
    const delay = base * 1000 * (0.75 + Math.random() * 0.5);
    this.setState('down', Math.round(delay / 1000));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), delay);
  }

  setState(state, detail) {
    this.state = state;
    document.documentElement.dataset.live = state;
    if (!this.banner) return;
    if (state === 'down') {
      this.banner.hidden = false;
      this.banner.textContent = `Live updates paused: the connection to the server dropped. Reconnecting in ${detail} s…`;
    } else if (state === 'reconnecting') {
      this.banner.hidden = false;
      this.banner.textContent = 'Live updates paused: reconnecting…';
    } else if (state === 'refused') {
      this.banner.hidden = false;
      this.banner.textContent = `Live updates are off: ${detail}`;
    } else {
      this.banner.hidden = true;
      this.banner.textContent = '';
    }
  }
}
