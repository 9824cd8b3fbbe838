// Workers: health, last heartbeat, capacity against committed resources, running tasks, attributes.
import { api } from '../lib/api.js';
import { agoEl, clear, h, jobLink, meter } from '../lib/dom.js';
import { bytes, num } from '../lib/format.js';
import { jobOfTask, throttle } from '../lib/util.js';

export function mount(root) {
  let alive = true;
  const tbody = h('tbody');
  const message = h('div.message');
  root.append(h('div.page-head', h('h1', 'Workers')), message,
    h('table.grid.workers', h('thead', h('tr', h('th', 'Worker'), h('th', 'Health'), h('th', 'Last heartbeat'),
      h('th.w-meter', 'CPU'), h('th.w-meter', 'Memory'), h('th.w-meter', 'Disk'), h('th', 'Running tasks'),
      h('th', 'Attributes'))), tbody));
  const rows = new Map();

  async function load() {
    try {
      const data = await api.workers();
      if (!alive) return;
      message.textContent = data.workers.length ? '' : 'No worker has registered yet.';
      const seen = new Set();
      for (const w of data.workers) {
        seen.add(w.worker_id);
        let row = rows.get(w.worker_id);
        if (!row) {
          row = { tr: h('tr', { dataset: { worker: w.worker_id } }), key: '' };
          rows.set(w.worker_id, row);
          tbody.append(row.tr);
        }
        fill(row, w);
      }
      for (const [id, row] of rows) if (!seen.has(id)) { row.tr.remove(); rows.delete(id); }
    } catch (e) {
      if (alive) message.textContent = `Could not load workers: ${e.message}`;
    }
  }

  function fill(row, w) {
    const key = JSON.stringify(w);
    if (key === row.key) return;
    row.key = key;
    const m = w.metadata || {};
    const health = !w.alive ? 'lost' : w.suspect ? 'suspect' : w.healthy ? 'healthy' : 'unhealthy';
    const gpu = m.device && m.device.gpu ? num(m.device.gpu.count) : 0;
    clear(row.tr);
    row.tr.append(
      h('td', h('div.strong', w.worker_id), h('div.sub', w.address), m.hostname ? h('div.sub', m.hostname) : null),
      h('td', h('span.badge', { class: 'health-' + health }, health),
        num(w.consecutive_failures) ? h('div.sub', `${w.consecutive_failures} failed deliveries`) : null),
      h('td', agoEl(w.last_heartbeat_ms), h('div.sub', 'registered ', agoEl(w.registered_at_ms))),
      h('td', meter(num(w.committed_cpu), num(m.cpu_count), `${num(w.committed_cpu)} / ${num(m.cpu_count)} cores`),
        gpu ? meter(num(w.committed_gpu), gpu, `${num(w.committed_gpu)} / ${gpu} GPU`) : null),
      h('td', meter(num(w.committed_memory_bytes), num(m.memory_bytes),
        `${bytes(w.committed_memory_bytes)} / ${bytes(m.memory_bytes)}`)),
      h('td', meter(num(w.committed_disk_bytes), num(m.disk_bytes),
        `${bytes(w.committed_disk_bytes)} / ${bytes(m.disk_bytes)}`)),
      h('td.tasks-cell', (w.running_task_ids || []).length
        ? w.running_task_ids.map((t) => h('div', jobLink(jobOfTask(t) + '?task=' + t.replace(/^.*\/task-/, ''), t)))
        : '—'),
      h('td', Object.entries(m.attributes || {}).map(([k, v]) => h('span.attr', `${k}=${v}`))));
  }

  const reload = throttle(load, 250);
  const poll = setInterval(load, 5000);
  load();
  return {
    events(events) {
      if (events.some((e) => e.worker_id || e.kind === 'EVENT_KIND_TASK_STATE_CHANGED')) reload();
    },
    resync: load,
    unmount() {
      alive = false;
      reload.cancel();
      clearInterval(poll);
    },
  };
}
