// The action log, newest first: jobs submitted and finished, workers registered and lost, failure domains.
import { api } from '../lib/api.js';
import { agoEl, clear, h, jobLink } from '../lib/dom.js';
import { time } from '../lib/format.js';
import { throttle } from '../lib/util.js';

export function mount(root) {
  let alive = true;
  const tbody = h('tbody');
  const message = h('div.message');
  root.append(h('div.page-head', h('h1', 'Events')), message,
    h('table.grid.events', h('thead', h('tr', h('th', 'When'), h('th', 'Action'), h('th', 'Subject'),
      h('th', 'Details'))), tbody));

  async function load() {
    try {
      const data = await api.events(300);
      if (!alive) return;
      message.textContent = data.events.length ? '' : 'Nothing has happened yet.';
      clear(tbody);
      for (const e of data.events) {
        const isJob = e.action.startsWith('job') || e.action.startsWith('failure');
        tbody.append(h('tr', { dataset: { action: e.action } },
          h('td', { title: time(e.timestamp_ms) }, agoEl(e.timestamp_ms)),
          h('td', h('span.action', { class: 'action-' + e.action.replace(/\W+/g, '-') }, e.action)),
          h('td', isJob ? jobLink(e.subject) : e.subject),
          h('td', e.details)));
      }
    } catch (e) {
      if (alive) message.textContent = `Could not load events: ${e.message}`;
    }
  }

  const reload = throttle(load, 300);
  load();
  return {
    events: () => reload(),
    resync: load,
    unmount() {
      alive = false;
      reload.cancel();
    },
  };
}
