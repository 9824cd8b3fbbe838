// A tiny element builder and helpers; no framework.
import { ago, stateClass, stateLabel } from './format.js';

/** h('td.cls', {title: 'x'}, child, 'text', [more]) */
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (attrs === undefined || attrs === null || typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs)) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className += (el.className ? ' ' : '') + v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style') el.style.cssText = v; // through CSSOM: the page's CSP allows no inline style attribute
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export function badge(state) {
  return h('span.badge', { class: stateClass(state) }, stateLabel(state));
}

/** A relative time that the page's clock keeps fresh. */
export function agoEl(ms) {
  return h('span.ago', { dataset: { ts: String(ms || 0) }, title: ms ? new Date(Number(ms)).toLocaleString() : '' },
    ago(ms));
}

/** Re-renders every relative time under `root`. */
export function refreshAgo(root) {
  const now = Date.now();
  for (const el of root.querySelectorAll('.ago')) {
    const text = ago(el.dataset.ts, now);
    if (el.textContent !== text) el.textContent = text;
  }
}

export function jobLink(id, text) {
  return h('a', { href: '#/jobs/' + id }, text ?? id);
}

/** A usage bar: `used` of `total`, with a label. */
export function meter(used, total, label) {
  const pct = total > 0 ? Math.min(100, (100 * used) / total) : 0;
  return h('div.meter', { title: label },
    h('div.meter-fill', { style: `width:${pct.toFixed(1)}%`, class: pct > 90 ? 'hot' : '' }),
    h('span.meter-label', label));
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}
