// A task's log viewer: the last lines of an attempt, a regex filter applied by the worker, and a live
// tail that asks only for lines after the last one shown.
import { clear, h } from '../lib/dom.js';
import { stateKey } from '../lib/format.js';
import { debounce } from '../lib/util.js';

const TAIL_LINES = 500;
const KEEP_LINES = 5000;
const POLL_MS = 1000;

/**
 * fetchLogs(index, params) returns a promise of {attempt_id, worker_id, message, logs}; `index` is whatever
 * identifies the task to it (a task index on the controller, a task id on a worker).
 */
export function logViewer(fetchLogs) {
  let task = null; // {index, attempt, active}
  let lastLine = -1;
  let timer = null;
  let loading = false;
  let generation = 0;

  const title = h('h2', 'Logs');
  const info = h('span.log-info');
  const filter = h('input.search', { type: 'search', id: 'log-filter', placeholder: 'Filter lines (regex)',
    'aria-label': 'filter log lines' });
  const tail = h('input', { type: 'checkbox', id: 'log-tail', checked: true });
  const lines = h('pre.log', { id: 'log-lines' });
  const el = h('section.logs', { id: 'logs' },
    h('div.log-head', title, info, filter, h('label.tail', tail, ' Live tail')), lines);

  filter.addEventListener('input', debounce(() => reload(), 250));
  tail.addEventListener('change', () => schedule());

  function show(index, attempt, state) {
    const active = !['succeeded', 'failed', 'killed', 'worker_failed', 'unschedulable'].includes(stateKey(state));
    const same = task && task.index === index && task.attempt === attempt;
    task = { index, attempt, active };
    title.textContent = `Logs: task ${index}`;
    if (same) {
      schedule();
    } else {
      tail.checked = active;
      reload();
    }
  }

  async function reload() {
    generation++;
    lastLine = -1;
    clear(lines);
    await fetchMore(true);
  }

  async function fetchMore(initial) {
    if (!task || loading) return;
    loading = true;
    const gen = generation;
    const params = { regex: filter.value, max_lines: 2000, attempt: task.attempt >= 0 ? task.attempt : undefined };
    params.start_line = initial || lastLine < 0 ? -TAIL_LINES : lastLine + 1;
    try {
      const data = await fetchLogs(task.index, params);
      if (gen !== generation) return;
      info.textContent = data.attempt_id === undefined ? '' : data.attempt_id >= 0
        ? `attempt ${data.attempt_id} on ${data.worker_id}` + (data.message ? ` — ${data.message}` : '')
        : data.message || '';
      info.classList.remove('error');
      append(data.logs);
      if (!lines.childElementCount) {
        lines.dataset.empty = data.message || (filter.value ? 'No line matches the filter.' : 'No output yet.');
      }
    } catch (e) {
      if (gen !== generation) return;
      info.textContent = e.message;
      info.classList.add('error');
    } finally {
      loading = false;
      schedule();
    }
  }

  function append(entries) {
    if (!entries.length) return;
    const atBottom = lines.scrollTop + lines.clientHeight >= lines.scrollHeight - 4;
    const frag = document.createDocumentFragment();
    for (const e of entries) {
      const n = Number(e.line_number);
      if (n <= lastLine) continue;
      lastLine = n;
      frag.append(h('div.line', { class: 'src-' + e.source, dataset: { line: String(n) } },
        h('span.ts', new Date(Number(e.timestamp_ms)).toLocaleTimeString()), ' ', e.data));
    }
    lines.append(frag);
    while (lines.childElementCount > KEEP_LINES) lines.firstChild.remove();
    delete lines.dataset.empty;
    if (atBottom) lines.scrollTop = lines.scrollHeight;
  }

  function schedule() {
    clearTimeout(timer);
    timer = null;
    if (task && task.active && tail.checked) timer = setTimeout(() => fetchMore(false), POLL_MS);
  }

  return {
    el,
    show,
    /** Something happened to the shown task: look now rather than at the next poll. */
    poke() {
      clearTimeout(timer);
      fetchMore(false);
    },
    current: () => task,
    stop() {
      clearTimeout(timer);
      task = null;
      generation++;
    },
  };
}
