// The jobs page: server-side paging and filters (state, name prefix), per-state job counts, child jobs
// right under their parent, and live rows: an event re-fetches only the rows it concerns (or the page,
// when a job appears or changes state), throttled, and only rows whose data changed are re-rendered.
import { api } from '../lib/api.js';
import { agoEl, badge, clear, h, jobLink } from '../lib/dom.js';
import { JOB_STATES, num, span, stateClass, stateLabel } from '../lib/format.js';
import { debounce, throttle } from '../lib/util.js';
import { progressBar } from './progress.js';

const SIZES = [25, 50, 100, 200];

export function mount(root, { params, setParams }) {
  const view = {
    state: params.get('state') || '',
    prefix: params.get('prefix') || '',
    page: Math.max(0, (Number(params.get('page')) || 1) - 1), // 1-based in the URL
    size: SIZES.includes(Number(params.get('size'))) ? Number(params.get('size')) : 50,
  };
  const rows = new Map(); // job_id -> {tr, key, job}
  let alive = true;
  let total = 0;
  let dirty = new Set();

  const chips = h('div.chips');
  const search = h('input.search', { type: 'search', placeholder: 'Filter by name or id prefix', value: view.prefix,
    'aria-label': 'filter jobs by name' });
  const pager = h('div.pager');
  const tbody = h('tbody');
  const message = h('div.message');
  root.append(
    h('div.page-head', h('h1', 'Jobs'), search),
    chips,
    h('table.grid.jobs', h('thead', h('tr',
      h('th', 'Job'), h('th', 'State'), h('th', 'User'), h('th.w-progress', 'Tasks'), h('th', 'Submitted'), h('th', 'Duration'),
      h('th.num', 'Failures'), h('th.num', 'Preemptions'), h('th', 'Pending reason'))), tbody),
    message,
    pager);

  const syncUrl = () => setParams({ state: view.state, prefix: view.prefix, page: view.page ? view.page + 1 : '',
    size: view.size === 50 ? '' : view.size });

  search.addEventListener('input', debounce(() => {
    view.prefix = search.value.trim();
    view.page = 0;
    syncUrl();
    load();
  }, 200));

  async function load() {
    try {
      const data = await api.jobs({ state: view.state, prefix: view.prefix, page: view.page, size: view.size });
      if (!alive) return;
      message.textContent = '';
      total = data.total;
      renderChips(data.counts);
      renderRows(data.jobs);
      renderPager();
    } catch (e) {
      if (alive) message.textContent = `Could not load jobs: ${e.message}`;
    }
  }

  async function refreshDirty() {
    const ids = [...dirty].filter((id) => rows.has(id));
    dirty = new Set();
    if (!ids.length) return;
    try {
      const data = await api.jobsById(ids);
      if (!alive) return;
      for (const job of data.jobs) updateRow(job);
    } catch (e) {
      // the next event or page load retries
    }
  }

  function renderChips(counts) {
    clear(chips);
    const all = Object.values(counts).reduce((a, b) => a + Number(b), 0);
    const chip = (state, label, n) => h('button.chip', {
      class: view.state === state ? 'active' : null,
      dataset: { state: state || 'all' },
      onclick: () => {
        view.state = state;
        view.page = 0;
        syncUrl();
        load();
      },
    }, state ? h('span.dot', { class: stateClass(state) }) : null, label, h('span.count', Number(n).toLocaleString()));
    chips.append(chip('', 'All', all));
    for (const s of JOB_STATES) chips.append(chip(s, stateLabel(s), num(counts['JOB_STATE_' + s.toUpperCase()])));
  }

  function renderRows(jobs) {
    const seen = new Set();
    let prev = null;
    for (const job of jobs) {
      seen.add(job.job_id);
      let row = rows.get(job.job_id);
      if (!row) {
        row = { tr: h('tr', { dataset: { job: job.job_id } }), key: '' };
        rows.set(job.job_id, row);
      }
      fill(row, job);
      const want = prev ? prev.nextSibling : tbody.firstChild;
      if (want !== row.tr) tbody.insertBefore(row.tr, want);
      prev = row.tr;
    }
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.tr.remove();
        rows.delete(id);
      }
    }
    if (!jobs.length) {
      message.textContent = view.prefix || view.state ? 'No job matches the filter.' : 'No jobs yet.';
    }
  }

  function updateRow(job) {
    const row = rows.get(job.job_id);
    if (row) fill(row, job);
  }

  function fill(row, job) {
    const key = JSON.stringify(job);
    if (row.key === key) return;
    row.key = key;
    row.job = job;
    const depth = job.job_id.split('/').length - 1;
    row.tr.className = depth ? 'child' : '';
    row.tr.dataset.state = job.state;
    clear(row.tr);
    row.tr.append(
      h('td.job-id', { style: depth ? `padding-left:${0.6 + depth * 1.4}rem` : null },
        depth ? h('span.tree', '└ ') : null, jobLink(job.job_id, depth ? job.name : job.job_id)),
      h('td', badge(job.state)),
      h('td.user', job.user || ''),
      h('td', progressBar(job)),
      h('td', agoEl(job.submitted_at_ms)),
      h('td.duration', { dataset: { start: job.started_at_ms, end: job.finished_at_ms } },
        span(job.started_at_ms, job.finished_at_ms)),
      h('td.num', num(job.failure_count) || ''),
      h('td.num', num(job.preemption_count) || ''),
      h('td.reason', { title: job.pending_reason }, job.pending_reason));
  }

  function renderPager() {
    clear(pager);
    const pages = Math.max(1, Math.ceil(total / view.size));
    const from = total ? view.page * view.size + 1 : 0;
    const to = Math.min(total, (view.page + 1) * view.size);
    const go = (p) => () => {
      view.page = p;
      syncUrl();
      load();
    };
    pager.append(
      h('button', { disabled: view.page === 0, onclick: go(0) }, '« First'),
      h('button', { disabled: view.page === 0, onclick: go(view.page - 1) }, '‹ Prev'),
      h('span.range', `${from}–${to} of ${total.toLocaleString()} (page ${view.page + 1} of ${pages})`),
      h('button', { disabled: view.page >= pages - 1, onclick: go(view.page + 1) }, 'Next ›'),
      h('button', { disabled: view.page >= pages - 1, onclick: go(pages - 1) }, 'Last »'),
      h('select', {
        'aria-label': 'page size',
        onchange: (e) => {
          view.size = Number(e.target.value);
          view.page = 0;
          syncUrl();
          load();
        },
      }, SIZES.map((s) => h('option', { value: s, selected: s === view.size }, `${s} per page`))));
  }

  const reloadPage = throttle(load, 150);
  const reloadRows = throttle(refreshDirty, 100);

  load();
  return {
    events(events) {
      let page = false;
      for (const e of events) {
        if (!e.job_id) continue;
        if (e.kind === 'EVENT_KIND_JOB_SUBMITTED' || e.kind === 'EVENT_KIND_JOB_STATE_CHANGED') page = true;
        else if (rows.has(e.job_id)) dirty.add(e.job_id);
      }
      if (page) reloadPage();
      else if (dirty.size) reloadRows();
    },
    resync: load,
    tick() {
      for (const row of rows.values()) {
        const j = row.job;
        if (j && num(j.started_at_ms) && !num(j.finished_at_ms)) {
          row.tr.querySelector('td.duration').textContent = span(j.started_at_ms, j.finished_at_ms);
        }
      }
    },
    unmount() {
      alive = false;
      reloadPage.cancel();
      reloadRows.cancel();
    },
  };
}
