// The dashboard shell: a hash router (#/jobs, #/jobs/<id>, #/workers, #/endpoints, #/events), the live
// feed shared by every page, and a clock that keeps relative times fresh.
import { api } from './lib/api.js';
import { Feed } from './lib/feed.js';
import { clear, h, refreshAgo } from './lib/dom.js';
import { watchControllerStatus } from './lib/controller-status.js';
import * as jobsPage from './pages/jobs.js';
import * as jobPage from './pages/job.js';
import * as workersPage from './pages/workers.js';
import * as endpointsPage from './pages/endpoints.js';
import * as eventsPage from './pages/events.js';

const ROUTES = [
  { pattern: /^\/jobs\/(.+)$/, page: jobPage, nav: 'jobs' },
  { pattern: /^\/(jobs)?$/, page: jobsPage, nav: 'jobs' },
  { pattern: /^\/workers$/, page: workersPage, nav: 'workers' },
  { pattern: /^\/endpoints$/, page: endpointsPage, nav: 'endpoints' },
  { pattern: /^\/events$/, page: eventsPage, nav: 'events' },
];

const container = document.getElementById('page');
const status = document.getElementById('feed-status');
let current = null;

const outage = document.getElementById('outage-banner');
let outageTimer = null;
const STATUS_TEXT = { live: 'live', connecting: 'connecting…', reconnecting: 'reconnecting…', unavailable: 'unavailable' };

/** The banner while the controller does not answer, and a short note once it is back. */
function showOutage(s, info) {
  clearTimeout(outageTimer);
  if (s === 'unavailable') {
    outage.className = 'outage-banner down';
    outage.textContent = `Controller unavailable since ${new Date(info.since).toLocaleTimeString()}, retrying… `
      + 'This page keeps what it shows and resumes where it left off.';
    outage.hidden = false;
  } else if (s === 'live' && info.downMs !== null && info.downMs !== undefined) {
    outage.className = 'outage-banner back';
    outage.textContent = `Reconnected to the controller after ${Math.max(1, Math.round(info.downMs / 1000))} s; `
      + 'the page is up to date.';
    outage.hidden = false;
    outageTimer = setTimeout(() => { outage.hidden = true; }, 5000);
  } else if (s === 'live') {
    outage.hidden = true;
  }
}

const feed = new Feed((s, info) => {
  status.className = 'feed-status ' + s;
  status.textContent = STATUS_TEXT[s] || s;
  showOutage(s, info || {});
  // a feed refused for its credential only closes: ask whether the session still holds (a 401 goes to login)
  if (s === 'reconnecting' || s === 'unavailable') api.whoami().catch(() => {});
});
feed.subscribe({
  events: (events) => current && current.events && current.events(events),
  resync: () => current && current.resync && current.resync(),
});

/** The current route: path and query of the hash. */
export function location_() {
  const raw = decodeURI(location.hash.replace(/^#/, '')) || '/jobs';
  const i = raw.indexOf('?');
  return { path: i < 0 ? raw : raw.slice(0, i), params: new URLSearchParams(i < 0 ? '' : raw.slice(i + 1)) };
}

/** Rewrites the hash's query without navigating (filters, paging). */
export function setParams(params) {
  const { path } = location_();
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== null && v !== undefined) q.set(k, v);
  const s = q.toString();
  history.replaceState(null, '', '#' + path + (s ? '?' + s : ''));
}

function render() {
  if (current && current.unmount) current.unmount();
  current = null;
  clear(container);
  const { path, params } = location_();
  for (const r of ROUTES) {
    const m = path.match(r.pattern);
    if (m) {
      for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === r.nav);
      current = r.page.mount(container, { match: m, params, setParams });
      return;
    }
  }
  container.append(h('div.empty', 'No such page. ', h('a', { href: '#/jobs' }, 'Back to the jobs')));
}

// a controller other machines reach without authentication says so on every page
fetch('/health').then((r) => r.json()).then((health) => {
  if (health.exposed && !health.authenticated) {
    document.body.prepend(h('div.insecure-banner', { id: 'insecure-banner' },
      'This controller listens where other machines reach it, without authentication: anyone who reaches its port '
        + 'can run commands on every worker. Run it on a private network only.'));
  }
}).catch(() => {});

// when the controller started and what it recovered; a banner while it cannot store changes
watchControllerStatus(document.getElementById('controller-status'));

// who is signed in (nothing to show when the controller checks no tokens), and the way out
const who = document.getElementById('whoami');
const signOut = document.getElementById('sign-out');
api.whoami().then((me) => {
  if (!me.authenticated) return;
  who.textContent = `signed in as ${me.user} (${me.role})`;
  who.hidden = false;
  signOut.hidden = false;
}).catch(() => {});
signOut.addEventListener('click', () => {
  signOut.disabled = true;
  api.logout().catch(() => {}).finally(() => location.assign('/login.html'));
});

window.addEventListener('hashchange', render);
setInterval(() => {
  refreshAgo(container);
  if (current && current.tick) current.tick();
}, 1000);
render();
