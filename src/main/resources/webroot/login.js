// The login page: hands the token to POST /api/login, which keeps it in the dashboard's session cookie
// (HttpOnly: no script sees it again), then goes back to the page that sent the user here (?next=, a path of
// this server only) or to the dashboard. Self-contained: the dashboard's other scripts need a credential.

const form = document.getElementById('login-form');
const input = document.getElementById('token');
const button = document.getElementById('sign-in');
const error = document.getElementById('login-error');
const note = document.getElementById('login-note');

/**
 * Where to go once signed in: `next` when it names a page of this origin (never another site, never this
 * page), with the fragment the browser kept across the redirect; else the dashboard.
 */
export function destination(next, hash, origin) {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  let url;
  try {
    url = new URL(next, origin);
  } catch (e) {
    return '/';
  }
  if (url.origin !== origin || url.pathname === '/login.html') return '/';
  return url.pathname + url.search + (url.hash || hash || '');
}

function show(el, text) {
  el.textContent = text;
  el.hidden = !text;
}

/** The first line of the server's answer: its JSON `error`, else the status. */
async function failure(resp) {
  let message = `${resp.status} ${resp.statusText}`.trim();
  try {
    const body = await resp.json();
    if (body && body.error) message = String(body.error);
  } catch (e) {
    // not JSON: keep the status
  }
  return message.split('\n')[0];
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const token = input.value.trim();
  if (!token) {
    show(error, 'Paste a token.');
    return;
  }
  button.disabled = true;
  show(error, '');
  try {
    const resp = await fetch('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ token }),
      cache: 'no-store',
      credentials: 'same-origin',
    });
    if (resp.ok) {
      const next = new URLSearchParams(location.search).get('next');
      location.replace(destination(next, location.hash, location.origin));
      return;
    }
    show(error, await failure(resp));
  } catch (err) {
    show(error, 'The controller did not answer: ' + err.message);
  } finally {
    button.disabled = false;
  }
});

// a controller that checks no tokens needs no sign-in; say so rather than refuse every token
fetch('/api/whoami', { headers: { accept: 'application/json' }, cache: 'no-store' })
  .then((r) => (r.ok ? r.json() : null))
  .then((me) => {
    if (me && !me.authenticated) show(note, 'This controller checks no tokens: the dashboard needs no sign-in.');
    else if (me) show(note, `Signed in as ${me.user} (${me.role}); a token signs in again.`);
  })
  .catch(() => {});
