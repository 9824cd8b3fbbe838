// A job's page: state, error, times, command, resources and policy; its child jobs; the task table with
// attempts (worker failures marked), exit codes, errors, ports and usage; a log viewer that opens on a
// failed or running task; and a kill button that asks first. Events about this job re-fetch it
// (throttled) and only changed task rows are re-rendered.
import { api } from '../lib/api.js';
import { agoEl, badge, clear, h, jobLink } from '../lib/dom.js';
import { bytes, num, plural, span, stateKey, time } from '../lib/format.js';
import { throttle } from '../lib/util.js';
import { logViewer } from './logs.js';
import { progressBar } from './progress.js';

const TASK_PAGE = 1000;

export function mount(root, { match, params, setParams }) {
  const jobId = match[1];
  let alive = true;
  let job = null;
  let selected = params.has('task') ? Number(params.get('task')) : null;
  let taskOffset = Math.max(0, Number(params.get('tasks')) || 0);
  const taskRows = new Map(); // task_id -> {tr, key}

  const head = h('div.page-head');
  const summary = h('section.summary');
  const children = h('section.children');
  const taskInfo = h('div.task-info');
  const tbody = h('tbody');
  const message = h('div.message');
  const logs = logViewer((index, params) => api.logs(jobId, index, params));
  root.append(head, message, summary, children,
    h('section.tasks', h('h2', 'Tasks'), taskInfo,
      h('table.grid.task-table', h('thead', h('tr', h('th', '#'), h('th', 'State'), h('th', 'Worker'),
        h('th', 'Attempts'), h('th.num', 'Exit'), h('th', 'Error / pending reason'), h('th', 'Ports'),
        h('th', 'Usage'), h('th', 'Duration'))), tbody)),
    logs.el);

  async function load() {
    try {
      const data = await api.job(jobId, { task_offset: taskOffset, task_limit: TASK_PAGE });
      if (!alive) return;
      message.textContent = '';
      message.classList.remove('error');
      job = data.job;
      renderHead();
      renderSummary();
      renderChildren(data.children);
      renderTasks(data.job.tasks || []);
      if (selected === null) selected = data.focus_task;
      selectTask(selected, false);
    } catch (e) {
      if (!alive) return;
      message.textContent = e.status === 404 ? `Job ${jobId} does not exist (or was replaced).` : e.message;
      message.classList.add('error');
    }
  }

  function finished() {
    return job && !['pending', 'running'].includes(stateKey(job.state));
  }

  function renderHead() {
    clear(head);
    const parent = job.parent_job_id;
    head.append(
      h('div.crumbs', h('a', { href: '#/jobs' }, 'Jobs'), parent ? [' / ', jobLink(parent)] : null),
      h('h1', { id: 'job-title' }, job.job_id, ' ', badge(job.state)),
      h('button.danger', { id: 'kill-job', disabled: finished(), onclick: kill },
        finished() ? 'Finished' : 'Kill job'));
  }

  async function kill() {
    const n = num(job.num_tasks);
    if (!window.confirm(`Kill job ${jobId} (${plural(n, 'task')}) and its child jobs?`)) return;
    try {
      await api.kill(jobId);
      load();
    } catch (e) {
      message.textContent = `Kill failed: ${e.message}`;
      message.classList.add('error');
    }
  }

  function renderSummary() {
    clear(summary);
    const r = job.resources || {};
    const gpu = r.device && r.device.gpu ? `, ${r.device.gpu.count} × ${r.device.gpu.variant || 'GPU'}` : '';
    const argv = (job.entrypoint && job.entrypoint.argv) || [];
    const env = Object.entries(job.env_vars || {});
    const constraints = (job.constraints || []).map((c) =>
      `${c.key} ${String(c.op).replace('CONSTRAINT_OP_', '').toLowerCase()} ${c.values && c.values.length ? c.values.join('|') : c.value}`);
    const item = (k, ...v) => [h('dt', k), h('dd', ...v)];
    summary.append(
      h('div.bar-row', progressBar(job)),
      h('dl.facts',
        item('State', badge(job.state)),
        job.user ? item('User', h('span', { id: 'job-user' }, job.user)) : null,
        job.error ? item('Error', h('span.error-text', { id: 'job-error' }, job.error)) : null,
        job.pending_reason ? item('Pending reason', job.pending_reason) : null,
        item('Submitted', time(job.submitted_at_ms), ' (', agoEl(job.submitted_at_ms), ')'),
        item('Started', time(job.started_at_ms) || '—'),
        item('Finished', time(job.finished_at_ms) || '—'),
        item('Duration', h('span', { id: 'job-duration' }, span(job.started_at_ms, job.finished_at_ms) || '—')),
        item('Command', h('code', argv.join(' '))),
        item('Resources', `${num(r.cpu)} CPU, ${bytes(r.memory_bytes)} memory, ${bytes(r.disk_bytes)} disk${gpu}, `
          + plural(num(job.num_tasks), 'replica')),
        item('Policy', `max task failures ${num(job.max_task_failures)}, retries on failure ${num(job.max_retries_failure)}, `
          + `on preemption ${num(job.max_retries_preemption)}`
          + (num(job.scheduling_timeout_seconds) ? `, scheduling timeout ${job.scheduling_timeout_seconds} s` : '')
          + (num(job.timeout_seconds) ? `, task timeout ${job.timeout_seconds} s` : '')),
        item('Failures / preemptions', `${num(job.failure_count)} / ${num(job.preemption_count)}`),
        (job.port_names || []).length ? item('Ports', job.port_names.join(', ')) : null,
        constraints.length ? item('Constraints', constraints.join(', ')) : null,
        job.coscheduling && job.coscheduling.group_by ? item('Coscheduled by', job.coscheduling.group_by) : null,
        env.length ? item('Environment', h('code', { id: 'job-env' }, env.map(([k, v]) => `${k}=${v}`).join(' ')),
          job.env_redacted ? h('span.sub', ' (values shown to the job\'s user and admins only)') : null) : null));
  }

  function renderChildren(list) {
    clear(children);
    if (!list.length) return;
    children.append(h('h2', 'Child jobs'), h('table.grid', h('tbody', list.map((c) => h('tr', { dataset: { job: c.job_id } },
      h('td', jobLink(c.job_id)), h('td', badge(c.state)), h('td.w-progress', progressBar(c)),
      h('td', agoEl(c.submitted_at_ms)))))));
  }

  function renderTasks(tasks) {
    const total = num(job.num_tasks);
    clear(taskInfo);
    if (total > TASK_PAGE) {
      const go = (o) => () => {
        taskOffset = o;
        setParams({ tasks: o || '', task: selected ?? '' });
        load();
      };
      taskInfo.append(`Tasks ${taskOffset}–${Math.min(total, taskOffset + TASK_PAGE) - 1} of ${total} `,
        h('button', { disabled: taskOffset === 0, onclick: go(Math.max(0, taskOffset - TASK_PAGE)) }, '‹ Prev'),
        h('button', { disabled: taskOffset + TASK_PAGE >= total, onclick: go(taskOffset + TASK_PAGE) }, 'Next ›'));
    }
    const seen = new Set();
    let prev = null;
    for (const t of tasks) {
      seen.add(t.task_id);
      let row = taskRows.get(t.task_id);
      if (!row) {
        row = { tr: h('tr.task', { dataset: { task: String(t.task_index) }, onclick: () => selectTask(t.task_index, true) }), key: '' };
        taskRows.set(t.task_id, row);
      }
      fillTask(row, t);
      const want = prev ? prev.nextSibling : tbody.firstChild;
      if (want !== row.tr) tbody.insertBefore(row.tr, want);
      prev = row.tr;
    }
    for (const [id, row] of taskRows) {
      if (!seen.has(id)) {
        row.tr.remove();
        taskRows.delete(id);
      }
    }
  }

  function fillTask(row, t) {
    const key = JSON.stringify(t);
    if (row.key === key) return;
    row.key = key;
    row.task = t;
    row.tr.dataset.state = t.state;
    clear(row.tr);
    const u = t.resource_usage || {};
    const ports = Object.entries(t.ports || {}).map(([k, v]) => `${k}=${v}`).join(', ');
    const attempts = (t.attempts || []).map((a) => h('span.attempt', {
      class: 'status-' + stateKey(a.state).replace(/_/g, '-') + (a.is_worker_failure ? ' worker-failure' : ''),
      title: `attempt ${a.attempt_id} on ${a.worker_id}: ${stateKey(a.state)}` + (a.error ? ` — ${a.error}` : '')
        + (a.is_worker_failure ? ' (worker failure)' : ''),
    }, `#${a.attempt_id} ${a.worker_id}`, a.is_worker_failure ? ' ⚠' : ''));
    row.tr.append(
      h('td.num', t.task_index),
      h('td', badge(t.state)),
      h('td', t.worker_id ? h('span', { title: t.worker_address }, t.worker_id) : '—'),
      h('td.attempts', attempts.length ? attempts : '—'),
      h('td.num', num(t.exit_code) || (stateKey(t.state) === 'succeeded' ? '0' : '')),
      h('td.reason', t.error ? h('span.error-text', t.error) : t.pending_reason),
      h('td', ports),
      h('td', num(u.memory_mb) || num(u.cpu_percent) ? `${num(u.memory_mb)} MB, ${num(u.cpu_percent)}% CPU` : ''),
      h('td.duration', span(t.started_at_ms, t.finished_at_ms)));
    row.tr.classList.toggle('selected', t.task_index === selected);
    if (t.task_index === selected && logs.current()) logs.show(t.task_index, num(t.current_attempt_id), t.state);
  }

  function selectTask(index, fromClick) {
    selected = index;
    let shown = null;
    for (const row of taskRows.values()) {
      const on = row.task && row.task.task_index === index;
      row.tr.classList.toggle('selected', on);
      if (on) shown = row.task;
    }
    if (fromClick) setParams({ tasks: taskOffset || '', task: index });
    if (shown) logs.show(index, shown.attempts && shown.attempts.length ? num(shown.current_attempt_id) : -1, shown.state);
  }

  // a big job's page (hundreds of task rows) is re-fetched at most once a second, a small one within 100 ms
  const reloadSmall = throttle(load, 100);
  const reloadBig = throttle(load, 1000);
  const reload = () => (job && num(job.num_tasks) > 200 ? reloadBig : reloadSmall)();
  reload.cancel = () => {
    reloadSmall.cancel();
    reloadBig.cancel();
  };
  load();
  return {
    events(events) {
      let mine = false;
      for (const e of events) {
        if (e.job_id && (e.job_id === jobId || e.job_id.startsWith(jobId + '/'))) {
          mine = true;
          if (selected !== null && e.task_id === `${jobId}/task-${selected}`) logs.poke();
        }
      }
      if (mine) reload();
    },
    resync: load,
    tick() {
      if (!job) return;
      const d = document.getElementById('job-duration');
      if (d && num(job.started_at_ms) && !num(job.finished_at_ms)) d.textContent = span(job.started_at_ms, 0);
    },
    unmount() {
      alive = false;
      reload.cancel();
      logs.stop();
    },
  };
}
