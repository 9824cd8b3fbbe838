// The live feed: one WebSocket to /api/feed that reconnects by itself and resumes after the last
// sequence it saw. Listeners get batches of events; `resync` tells pages to reload their data (first
// connection, or the controller could not replay what was missed).

export class Feed {
  constructor(onStatus) {
    this.last = null;
    this.listeners = new Set();
    this.onStatus = onStatus || (() => {});
    this.failures = 0;
    this.connect();
  }

  /** listener: {events(list), resync()} */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  connect() {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const from = this.last === null ? '' : `?from=${this.last}`;
    const ws = new WebSocket(`${proto}://${location.host}/api/feed${from}`);
    this.ws = ws;
    this.onStatus(this.last === null ? 'connecting' : 'reconnecting');
    ws.onmessage = (m) => this.receive(JSON.parse(m.data));
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.failures++;
      this.onStatus('reconnecting');
      const delay = Math.min(5000, 200 * 2 ** Math.min(this.failures, 5));
      setTimeout(() => this.connect(), delay);
    };
  }

  receive(msg) {
    if (msg.type === 'hello') {
      const first = this.last === null;
      this.failures = 0;
      this.onStatus('live');
      if (first || msg.reset) {
        this.last = Number(msg.sequence);
        for (const l of this.listeners) l.resync && l.resync();
      }
    } else if (msg.type === 'events') {
      this.last = Number(msg.sequence);
      for (const l of this.listeners) l.events && l.events(msg.events);
    }
  }
}
