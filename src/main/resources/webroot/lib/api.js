// The controller's JSON API.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

let leaving = null;

/**
 * Goes to the login page, which comes back here once signed in; answers a promise that never settles, so
 * that no page shows an error for a call it made while the browser leaves.
 */
export function toLogin() {
  if (!leaving) {
    leaving = new Promise(() => {});
    location.assign('/login.html?next=' + encodeURIComponent(location.pathname + location.search + location.hash));
  }
  return leaving;
}

async function call(method, path) {
  const resp = await fetch(path, { method, headers: { accept: 'application/json' }, cache: 'no-store' });
  // no credential, or one this controller no longer takes (the cookie expired, it restarted with another token)
  if (resp.status === 401) return toLogin();
  let body;
  try {
    body = await resp.json();
  } catch (e) {
    throw new ApiError(resp.status, `${method} ${path}: ${resp.status} ${resp.statusText}`);
  }
  if (!resp.ok) throw new ApiError(resp.status, body.error || `${resp.status} ${resp.statusText}`);
  return body;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export const api = {
  jobs: (params) => call('GET', '/api/jobs' + query(params)),
  jobsById: (ids) => call('GET', '/api/jobs' + query({ ids: ids.join(',') })),
  job: (id, params = {}) => call('GET', `/api/jobs/${id}` + query(params)),
  logs: (id, index, params) => call('GET', `/api/jobs/${id}/tasks/${index}/logs` + query(params)),
  kill: (id) => call('POST', `/api/jobs/${id}/kill`),
  workers: () => call('GET', '/api/workers'),
  endpoints: () => call('GET', '/api/endpoints'),
  events: (limit) => call('GET', '/api/events' + query({ limit })),
  controller: () => call('GET', '/api/controller'),
  whoami: () => call('GET', '/api/whoami'),
  logout: () => call('POST', '/api/logout'),
};
