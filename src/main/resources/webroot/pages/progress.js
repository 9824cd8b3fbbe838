// The task progress bar of a job: one segment per task state, in lifecycle order.
import { h } from '../lib/dom.js';
import { num, stateLabel } from '../lib/format.js';

const SEGMENTS = [
  ['pending', 'tasks_pending'],
  ['assigned', 'tasks_assigned'],
  ['building', 'tasks_building'],
  ['running', 'tasks_running'],
  ['succeeded', 'tasks_succeeded'],
  ['failed', 'tasks_failed'],
  ['killed', 'tasks_killed'],
  ['worker_failed', 'tasks_worker_failed'],
  ['unschedulable', 'tasks_unschedulable'],
];

export function progressBar(job) {
  const total = num(job.num_tasks);
  const parts = [];
  const title = [];
  for (const [state, field] of SEGMENTS) {
    const n = num(job[field]);
    if (!n) continue;
    title.push(`${n} ${stateLabel(state)}`);
    parts.push(h('span.seg', {
      class: 'status-' + state.replace(/_/g, '-'),
      style: `flex-grow:${n}`,
      dataset: { state, count: String(n) },
    }));
  }
  const done = num(job.tasks_succeeded);
  return h('div.progress-cell', { title: title.join(', ') },
    h('div.progress', parts),
    h('span.progress-label', `${done}/${total}`));
}
