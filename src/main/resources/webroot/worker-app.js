// The worker's own page (served on the worker's port): its task attempts with counts by state (ASSIGNED
// included), resource usage, and a task's logs. The worker has no event feed of its own, so the page
// polls its API every second and re-renders only the rows that changed.
import { agoEl, badge, clear, h, refreshAgo } from './lib/dom.js';
import { num, span, stateClass, stateLabel, TASK_STATES } from './lib/format.js';
import { logViewer } from './pages/logs.js';

const POLL_MS = 1000;
const root = document.getElementById('page');
const status = document.getElementById('feed-status');
const chips = h('div.chips', { id: 'task-counts' });
const tbody = h('tbody');
const message = h('div.message');
const rows = new Map();
let selected = new URLSearchParams(location.hash.replace(/^#\??/, '')).get('task');

async function getJson(path) {
  const resp = await fetch(path, { cache: 'no-store' });
  const body = await resp.json();
  if (!resp.ok) throw new Error(body.error || resp.statusText);
  return body;
}

const logs = logViewer((taskId, params) => getJson('/api/tasks/logs?' + new URLSearchParams(
  Object.entries({ ...params, task_id: taskId }).filter(([, v]) => v !== undefined && v !== '')).toString()));

root.append(h('div.page-head', h('h1', 'Tasks on this worker')), chips, message,
  h('table.grid.task-table', h('thead', h('tr', h('th', 'Task'), h('th', 'State'), h('th', 'Attempt'),
    h('th.num', 'Exit'), h('th', 'Error'), h('th', 'Ports'), h('th', 'Usage'), h('th', 'Started'),
    h('th', 'Duration'))), tbody),
  logs.el);

async function load() {
  try {
    const data = await getJson('/api/tasks');
    document.getElementById('worker-id').textContent = data.worker_id;
    status.className = 'feed-status live';
    status.textContent = 'live';
    renderCounts(data.counts);
    renderTasks(data.tasks);
    message.textContent = data.tasks.length ? '' : 'No task has run here yet.';
  } catch (e) {
    status.className = 'feed-status reconnecting';
    status.textContent = 'unreachable…';
  } finally {
    setTimeout(load, POLL_MS);
  }
}

function renderCounts(counts) {
  clear(chips);
  for (const s of TASK_STATES) {
    chips.append(h('span.chip', { dataset: { state: s } }, h('span.dot', { class: stateClass(s) }), stateLabel(s),
      h('span.count', String(num(counts['TASK_STATE_' + s.toUpperCase()])))));
  }
}

function renderTasks(tasks) {
  tasks.sort((a, b) => num(b.started_at_ms) - num(a.started_at_ms) || a.task_id.localeCompare(b.task_id));
  const seen = new Set();
  let prev = null;
  for (const t of tasks) {
    seen.add(t.task_id);
    let row = rows.get(t.task_id);
    if (!row) {
      row = { tr: h('tr.task', { dataset: { task: t.task_id }, onclick: () => select(t.task_id) }), key: '' };
      rows.set(t.task_id, row);
    }
    fill(row, t);
    const want = prev ? prev.nextSibling : tbody.firstChild;
    if (want !== row.tr) tbody.insertBefore(row.tr, want);
    prev = row.tr;
  }
  for (const [id, row] of rows) if (!seen.has(id)) { row.tr.remove(); rows.delete(id); }
  if (!selected && tasks.length) selected = tasks[0].task_id;
  if (selected && rows.has(selected)) select(selected);
}

function fill(row, t) {
  const key = JSON.stringify(t);
  if (row.key === key) return;
  row.key = key;
  row.task = t;
  const u = t.resource_usage || {};
  clear(row.tr);
  row.tr.append(
    h('td.strong', t.task_id), h('td', badge(t.state)), h('td.num', num(t.current_attempt_id)),
    h('td.num', num(t.exit_code) || ''), h('td.reason', t.error ? h('span.error-text', t.error) : ''),
    h('td', Object.entries(t.ports || {}).map(([k, v]) => `${k}=${v}`).join(', ')),
    h('td', `${num(u.memory_mb)} MB (peak ${num(u.memory_peak_mb)}), ${num(u.cpu_percent)}% CPU, ${num(u.process_count)} proc`),
    h('td', agoEl(t.started_at_ms)), h('td', span(t.started_at_ms, t.finished_at_ms)));
}

function select(taskId) {
  selected = taskId;
  for (const [id, row] of rows) row.tr.classList.toggle('selected', id === taskId);
  const row = rows.get(taskId);
  if (row) logs.show(taskId, num(row.task.current_attempt_id), row.task.state);
  history.replaceState(null, '', '#task=' + encodeURIComponent(taskId));
}

setInterval(() => refreshAgo(root), 1000);
load();
