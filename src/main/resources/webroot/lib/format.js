// Human-readable states, times, durations and sizes.

const PREFIXES = ['TASK_STATE_', 'JOB_STATE_'];

/** "TASK_STATE_WORKER_FAILED" -> "worker_failed". */
export function stateKey(state) {
  let s = String(state || '');
  for (const p of PREFIXES) {
    if (s.startsWith(p)) s = s.slice(p.length);
  }
  return s.toLowerCase();
}

/** "worker_failed" -> "worker failed". */
export function stateLabel(state) {
  return stateKey(state).replace(/_/g, ' ');
}

/** The CSS class of a state: status-pending, status-assigned, status-worker-failed... */
export function stateClass(state) {
  return 'status-' + stateKey(state).replace(/_/g, '-');
}

export const TASK_STATES = ['pending', 'assigned', 'building', 'running', 'succeeded', 'failed', 'killed',
  'worker_failed', 'unschedulable'];

export const JOB_STATES = ['pending', 'running', 'succeeded', 'failed', 'killed', 'worker_failed', 'unschedulable'];

export function num(v) {
  return v === undefined || v === null || v === '' ? 0 : Number(v);
}

/** "3 s ago", "5 min ago"; '' for 0. */
export function ago(ms, now = Date.now()) {
  ms = num(ms);
  if (!ms) return '';
  const d = Math.max(0, now - ms);
  if (d < 1000) return 'just now';
  const s = Math.floor(d / 1000);
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** "1m 12s", "2h 5m", "850 ms". */
export function duration(ms) {
  ms = Math.max(0, Math.round(num(ms)));
  if (ms < 1000) return `${ms} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** The run time of something that started at `start` and finished at `end` (still running: until now). */
export function span(start, end, now = Date.now()) {
  start = num(start);
  end = num(end);
  if (!start) return '';
  return duration((end || now) - start);
}

export function time(ms) {
  ms = num(ms);
  return ms ? new Date(ms).toLocaleString() : '';
}

export function bytes(n) {
  n = num(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n >= 10 || i === 0 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
