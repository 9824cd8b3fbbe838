// The live feed: one WebSocket to /api/feed that reconnects by itself and resumes after the last
// sequence it saw. Listeners get batches of events; `resync` tells pages to reload their data (first
// connection, the controller could not replay what was missed, or it was unavailable for a while and the
// page's own fetches may have failed meanwhile).
//
// Retries follow the clients' policy (dev.iris.client.Reconnect): 250 ms, doubling up to 5 s, each pause
// jittered into its upper half so that the pages of one controller do not all come back in the same
// instant. A socket that closes before the controller said hello means the controller is not answering: the
// status says 'unavailable' (with the time it began) until it answers again. A page never gives up.

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;

/** The pause before retry number `failures` (1 for the first); `random` in 0..1. */
export function retryDelay(failures, random = Math.random()) {
  const full = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.min(Math.max(failures - 1, 0), 10));
  const half = Math.floor(full / 2);
  return Math.max(1, half + Math.round(random * (full - half)));
}

export class Feed {
  /** onStatus(status, info): status is connecting | live | reconnecting | unavailable; info.since, info.downMs. */
  constructor(onStatus) {
    this.last = null;
    this.listeners = new Set();
    this.onStatus = onStatus || (() => {});
    this.failures = 0;
    this.downSince = null; // when the controller stopped answering; null while it answers
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
    let greeted = false;
    if (this.downSince === null) this.onStatus(this.last === null ? 'connecting' : 'reconnecting', {});
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.type === 'hello') greeted = true;
      this.receive(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.failures++;
      if (!greeted && this.downSince === null) {
        this.downSince = Date.now(); // not even a hello: the controller is not answering
      }
      this.onStatus(this.downSince === null ? 'reconnecting' : 'unavailable', { since: this.downSince });
      setTimeout(() => this.connect(), retryDelay(this.failures));
    };
  }

  receive(msg) {
    if (msg.type === 'hello') {
      const first = this.last === null;
      const downMs = this.downSince === null ? null : Date.now() - this.downSince;
      this.failures = 0;
      this.downSince = null;
      this.onStatus('live', { downMs });
      if (first || msg.reset) {
        this.last = Number(msg.sequence);
      }
      // after an outage the events resume from this.last, and the pages fetch once what they may have missed
      if (first || msg.reset || downMs !== null) {
        for (const l of this.listeners) l.resync && l.resync();
      }
    } else if (msg.type === 'events') {
      this.last = Number(msg.sequence);
      for (const l of this.listeners) l.events && l.events(msg.events);
    }
  }
}
