// A request that arrived at a workspace's own domain (`https://portal.agency.com/sign-in`) is served
// by the same client router as `/portal/agency/sign-in`: the custom-domains feature maps the Host to
// the workspace and rewrites the path before the host's routers see it, and marks the request here.
// What the browser sees stays the root of that host, so links (the portal context's base), cookie
// paths and the links in emails are built from this mark rather than from config.portalPath.
import type { Request } from 'express';

export interface ServedHost {
  /** The host name the browser asked for, in its stored form. */
  hostname: string;
  /**
   * Where the browser is (scheme, host and any port it asked with), for absolute links back to it.
   * The scheme is the portal's own address's: a TLS proxy in front hands the portal plain HTTP, and
   * req.protocol says https there only where the host app trusts the proxy's header.
   */
  origin: string;
  /** The workspace that host serves; a request at it reaches no other. */
  workspaceId: string;
}

const SERVED_HOST = Symbol('customerPortal.servedHost');
type MarkedRequest = Request & { [SERVED_HOST]?: ServedHost };

export function markServedHost(req: Request, host: ServedHost): void {
  (req as MarkedRequest)[SERVED_HOST] = host;
}

/** The custom domain this request came in at, or undefined on the portal's own host. */
export function servedHostOf(req: Request): ServedHost | undefined {
  return (req as MarkedRequest)[SERVED_HOST];
}

/**
 * The origin a person on a custom domain came in at (ServedHost.origin), for absolute links back to
 * where they are (a payment provider's return, an identity provider's redirect); undefined on the
 * portal's own host, where config.appUrl is that origin.
 */
export function customOriginOf(req: Request): string | undefined {
  return servedHostOf(req)?.origin;
}

/**
 * A custom domain's origin as the portal names it where no request says how it was reached (an
 * email's link, a SAML metadata): over the scheme and at the port of the portal's own address, the
 * same server serving both (https and no port in production; a port for a server run by hand).
 */
export function customDomainOrigin(hostname: string, appUrl: string): string {
  const own = new URL(appUrl);
  return `${own.protocol}//${hostname}${own.port ? `:${own.port}` : ''}`;
}

/**
 * The origin of the host this request came in at, named as the portal names it without a request:
 * the custom domain's (customDomainOrigin), else appUrl. What is checked against an address the
 * portal published before the request (a SAML consumer service in its metadata) is built with
 * this, so it reads the same whatever scheme or port a proxy in between reports.
 */
export function publishedOriginOf(req: Request, appUrl: string): string {
  const served = servedHostOf(req);
  return served ? customDomainOrigin(served.hostname, appUrl) : appUrl;
}

/**
 * The path the portal's cookies are set and cleared at: the portal's mount on its own host, the whole
 * custom domain there (its pages start at `/`). Cookies never carry a Domain attribute, so each host
 * name keeps its own: the browser sends one host's session to no other.
 */
export function cookiePathFor(req: Request, portalPath: string): string {
  return servedHostOf(req) ? '/' : portalPath;
}
