// Serving a workspace at its own domain, and answering a TLS proxy before it asks for a certificate.
//
// The host mounts hostRouting on its app before every router. A request whose Host is:
// - the portal's own (appUrl's host, the CNAME target), `localhost` or an IP address: passes as it came;
// - a verified custom domain: is rewritten from `/x` to `${portalPath}/${slug}/x` and marked
//   (core's served host), so the client router serves that workspace and no other, with links,
//   redirects and cookies at the root of that host. The portal's static assets pass unchanged;
// - anything else (unknown, or added but not verified): 404, with nothing of any workspace in it.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { markServedHost, type LimitRule, type RateLimiter, type WorkspaceCache } from '../../core/index.ts';
import { hostnameOfHeader, normaliseHostname } from './hostnames.ts';
import type { CustomDomains } from './service.ts';

/** A proxy asks once per new name; a burst past this from one address is not a proxy. */
const TLS_ASK_LIMIT: LimitRule = { name: 'tls-ask:ip', points: 120, windowSeconds: 60, blockSeconds: 60 };

const NOT_FOUND_TEXT = 'Not found · Nicht gefunden';

function notFoundPlain(res: Response): void {
  res.status(404).set('Cache-Control', 'no-store').type('text/plain').send(NOT_FOUND_TEXT);
}

export function hostRouting(deps: {
  domains: CustomDomains;
  workspaces: Pick<WorkspaceCache, 'byId'>;
  portalPath: string;
  ownHosts: readonly string[];
  /** The portal's own address: its scheme is the one a custom domain is reached over (see ServedHost.origin). */
  appUrl: string;
}): RequestHandler {
  const scheme = new URL(deps.appUrl).protocol;
  const own = new Set(['localhost', ...deps.ownHosts.flatMap((host) => normaliseHostname(host) ?? [])]);
  const assets = `${deps.portalPath}/assets/`;
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      // req.hostname follows the app's trust-proxy setting (X-Forwarded-Host behind a proxy).
      const hostname = hostnameOfHeader(req.hostname);
      if (!hostname || own.has(hostname)) return next();
      const workspaceId = await deps.domains.workspaceOfHost(hostname);
      const entry = workspaceId ? await deps.workspaces.byId(workspaceId) : null;
      if (!workspaceId || !entry) return notFoundPlain(res);
      markServedHost(req, { hostname, workspaceId, origin: `${scheme}//${req.get('host')}` });
      if (!req.url.startsWith(assets)) req.url = `${deps.portalPath}/${encodeURIComponent(entry.workspace.slug)}${req.url}`;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * For a reverse proxy's on-demand TLS (Caddy's `on_demand_tls { ask … }`): 200 for a verified
 * custom domain, 404 for any other name, so no certificate is requested for a name nobody verified.
 * No sign-in (the proxy has none), limited per address.
 */
export function tlsAskHandler(deps: { domains: CustomDomains; limiter: RateLimiter }): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const limit = await deps.limiter.consume(TLS_ASK_LIMIT, req.ip ?? 'unknown');
      if (!limit.allowed) {
        res.status(429).set('Retry-After', String(limit.retryAfterSeconds)).type('text/plain').send('Too many requests');
        return;
      }
      const asked = typeof req.query.domain === 'string' ? normaliseHostname(req.query.domain) : null;
      const workspaceId = asked ? await deps.domains.workspaceOfHost(asked) : null;
      res.set('Cache-Control', 'no-store').type('text/plain');
      if (workspaceId) res.status(200).send('ok');
      else res.status(404).send('not a verified domain');
    } catch (err) {
      next(err);
    }
  };
}
