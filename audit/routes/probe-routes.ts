// Looks at the host's web routes from outside, with safe GET requests only (no body, no cookies,
// redirects not followed), so probing can never change anything. A made-up record token is used for
// public pages: a 404 there may mean "no such page" or "no such record", and the report says so.
// A page exists when the host serves it: a 2xx, a sign-in wall (401/403) or a redirect to a
// sign-in. A refused method (405 and the other 4xx) is no page, and neither is an answer the host
// also gives at a path that cannot exist (a catch-all app shell, a proxy refusing everything).
import { AuditError } from '../errors.ts';
import type { RouteProbe } from '../report-schema.ts';

/** Fixed so the report is the same on every run. */
export const PROBE_TOKEN = 'audit-probe-0000';

const PROBED_PATHS: readonly string[] = [
  '/login',
  '/client',
  '/client/login',
  '/portal',
  '/portal/login',
  `/public/proposal/${PROBE_TOKEN}`,
  `/public/quotation/${PROBE_TOKEN}`,
  `/public/invoice/${PROBE_TOKEN}`,
  '/settings/client-portal',
];

/** A path no host serves: what it answers there is what it answers for anything. */
const UNKNOWN_PATH = `/${PROBE_TOKEN}/no-such-page`;

const PROBE_TIMEOUT_MS = 3000;

export function parseAppUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AuditError(`--app-url is not a URL: ${value}`, 2);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new AuditError(`--app-url must be http(s), got ${url.protocol}`, 2);
  return url;
}

export async function probeRoutes(baseUrl: URL, timeoutMs = PROBE_TIMEOUT_MS): Promise<RouteProbe[]> {
  const results = await Promise.all([...PROBED_PATHS, UNKNOWN_PATH].map((path) => probe(baseUrl, path, timeoutMs)));
  if (results.every((r) => r.reading === 'no_answer')) {
    const reason = results[0]?.error ?? 'no answer';
    throw new AuditError(`Cannot reach the app at ${baseUrl.origin}: ${reason}.`);
  }
  return againstUnknown(results);
}

/**
 * A page answered exactly as the path that cannot exist was (same status, same redirect target)
 * says nothing about that page: it is read as "like_unknown", never as a page the host serves.
 */
function againstUnknown(results: RouteProbe[]): RouteProbe[] {
  const unknown = results.find((r) => r.path === UNKNOWN_PATH);
  if (!unknown || !routeServed(unknown)) return results;
  return results.map((r) =>
    r.path !== UNKNOWN_PATH && r.status === unknown.status && r.location === unknown.location ? { ...r, reading: 'like_unknown' } : r,
  );
}

async function probe(baseUrl: URL, path: string, timeoutMs: number): Promise<RouteProbe> {
  // Joined to the base path so an app mounted under /crm is probed at /crm/portal.
  const target = new URL(baseUrl.pathname.replace(/\/$/, '') + path, baseUrl);
  try {
    const response = await fetch(target, {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: { accept: 'text/html', 'user-agent': 'customer-portal-audit (read-only)' },
    });
    await response.body?.cancel().catch(() => {});
    const location = response.headers.get('location');
    const redirectTo = location ? pathOf(location, baseUrl) : null;
    return {
      method: 'GET',
      path,
      status: response.status,
      location: redirectTo,
      error: null,
      reading: readStatus(response.status, path, redirectTo),
    };
  } catch (error) {
    // fetch wraps the real reason (ECONNREFUSED, "bad port", DNS failure) in error.cause.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const name = (error as Error).name;
    const message =
      name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { method: 'GET', path, status: null, location: null, error: message, reading: 'no_answer' };
  }
}

function readStatus(status: number, path: string, location: string | null): RouteProbe['reading'] {
  if (status >= 200 && status < 300) return 'answers';
  if (status === 401 || status === 403) return 'protected';
  if (status >= 300 && status < 400) return leadsToSignIn(path, location) ? 'redirects' : 'redirects_elsewhere';
  if (status === 404 || status === 410) return 'not_found';
  if (status >= 500) return 'server_error';
  // 405, 400, 429, ...: the host refused the request; that is not a page.
  return 'refused';
}

const SIGN_IN_WORDS =
  /(^|[/_.-])(login|log-in|signin|sign-in|sign_in|auth|authenticate|session|sessions|sso|oauth|account|accounts|users)([/_.-]|$)/i;

/** A redirect to a sign-in page, or to the same page with a trailing slash, is the page behind its door. */
function leadsToSignIn(path: string, location: string | null): boolean {
  if (location === null) return false;
  if (location === `${path}/` || location.startsWith(`${path}/`)) return true;
  return SIGN_IN_WORDS.test(location);
}

/** Only the path of a redirect target, so a report never carries another host's URL or a query token. */
function pathOf(location: string, base: URL): string {
  try {
    const url = new URL(location, base);
    return url.origin === base.origin ? url.pathname : `${url.origin}${url.pathname}`;
  } catch {
    return '(unparseable location)';
  }
}

/** A route the host serves: it answered, asked for sign-in, or redirected to a sign-in. */
export function routeServed(probe: RouteProbe | undefined): boolean {
  return probe !== undefined && ['answers', 'protected', 'redirects'].includes(probe.reading);
}
