// The controller's own status in the top bar: when it started and what it recovered from its state directory
// (GET /api/controller); and, while its state directory cannot be written, a banner on every page.
import { api } from './api.js';
import { h } from './dom.js';
import { time } from './format.js';

const POLL_MS = 5000;

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function seconds(ms) {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "controller started <time> (recovered 3 jobs in 12 ms)", or "(state in memory)". */
export function startedText(s) {
  const r = s.recovered;
  const what = !s.durable ? 'state in memory' : `recovered ${plural(r.jobs, 'job')} in ${seconds(r.elapsed_ms)}`;
  return `controller started ${time(s.started_at_ms)} (${what})`;
}

function details(s) {
  if (!s.durable) return 'The controller keeps its state in memory only: it is lost when the controller stops.';
  const r = s.recovered;
  const lines = [`State directory ${s.state_dir}.`,
    `At start: ${plural(r.records, 'journal record')} replayed, ${plural(r.jobs, 'job')} and `
      + `${plural(r.workers, 'worker')} recovered in ${seconds(r.elapsed_ms)}.`];
  if (s.reopened) {
    const re = s.reopened;
    lines.push(`Rebuilt from disk at ${time(re.at_ms)} after a failed write (${plural(s.reopens, 'time')} so far): `
      + `${plural(re.jobs, 'job')} in ${seconds(re.elapsed_ms)}.`);
  }
  return lines.join('\n');
}

function show(s, el) {
  el.textContent = startedText(s);
  el.title = details(s);
  el.hidden = false;
  let banner = document.getElementById('store-failure');
  if (s.writable) {
    if (banner) banner.remove();
    return;
  }
  const text = `The controller cannot store changes: ${s.failure}. Submissions and other changes are refused until `
    + 'it can; running tasks go on.';
  if (!banner) {
    banner = h('div.store-failure-banner', { id: 'store-failure' });
    document.body.prepend(banner);
  }
  if (banner.textContent !== text) banner.textContent = text;
}

/** Shows the status in `el` and keeps it fresh. */
export function watchControllerStatus(el) {
  const poll = () => api.controller().then((s) => show(s, el)).catch(() => {});
  poll();
  setInterval(poll, POLL_MS);
}
