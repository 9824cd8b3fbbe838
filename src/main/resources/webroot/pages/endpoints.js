// Endpoints that tasks registered: name, address, owner job and task.
import { api } from '../lib/api.js';
import { clear, h, jobLink } from '../lib/dom.js';
import { throttle } from '../lib/util.js';

export function mount(root) {
  let alive = true;
  const tbody = h('tbody');
  const message = h('div.message');
  root.append(h('div.page-head', h('h1', 'Endpoints')), message,
    h('table.grid', h('thead', h('tr', h('th', 'Name'), h('th', 'Address'), h('th', 'Job'), h('th', 'Task'),
      h('th', 'Metadata'))), tbody));

  async function load() {
    try {
      const data = await api.endpoints();
      if (!alive) return;
      message.textContent = data.endpoints.length ? '' : 'No endpoints registered.';
      clear(tbody);
      for (const e of data.endpoints) {
        tbody.append(h('tr', { dataset: { endpoint: e.endpoint_id } },
          h('td.strong', e.name), h('td', h('code', e.address)), h('td', jobLink(e.job_id)),
          h('td', e.task_id ? `${e.task_id} (attempt ${e.attempt_id})` : '—'),
          h('td', Object.entries(e.metadata || {}).map(([k, v]) => h('span.attr', `${k}=${v}`)))));
      }
    } catch (e) {
      if (alive) message.textContent = `Could not load endpoints: ${e.message}`;
    }
  }

  const reload = throttle(load, 200);
  load();
  return {
    events(events) {
      if (events.some((e) => e.kind === 'EVENT_KIND_ENDPOINT_ADDED' || e.kind === 'EVENT_KIND_ENDPOINT_REMOVED')) reload();
    },
    resync: load,
    unmount() {
      alive = false;
      reload.cancel();
    },
  };
}
