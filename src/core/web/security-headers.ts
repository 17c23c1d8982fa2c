// Security headers for every portal and admin response: a strict CSP (scripts and styles only
// from our own origin, nothing inline; branding colours come from a stylesheet URL), no framing,
// no referrer leaking tokens in reset links.
//
// helmet decides the headers; they depend on nothing in the request, so they are worked out once
// and then set in one loop per response, instead of through helmet's chain of a dozen middlewares
// on every request (a few percent of a page's Node time).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

export function helmetFor(options: { secure: boolean }) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        // The installed portal: its manifest and its service worker, both served by the portal itself.
        manifestSrc: ["'self'"],
        workerSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(options.secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: options.secure,
    crossOriginEmbedderPolicy: false,
  });
}

/** What a middleware that depends on nothing in the request does to a response: the headers it sets and removes. */
function effectOf(middleware: RequestHandler): { set: Array<[string, string]>; removed: string[] } {
  const set: Array<[string, string]> = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => set.push([name, String(value)]),
    removeHeader: (name: string) => removed.push(name),
  };
  let finished = false;
  middleware({} as Request, recorder as unknown as Response, (err?: unknown) => {
    if (err) throw err;
    finished = true;
  });
  // helmet's middlewares are synchronous; if a version ever was not, fail at start-up, not per request.
  if (!finished) throw new Error('the headers middleware did not finish synchronously');
  return { set, removed };
}

/**
 * A headers middleware (helmet, configured once) run once at start-up and replayed on each
 * response: the same headers, set in one loop. For a host app's own helmet as for the portal's.
 */
export function replayedHeaders(middleware: RequestHandler): RequestHandler {
  const { set, removed } = effectOf(middleware);
  return (_req: Request, res: Response, next: NextFunction) => {
    for (const [name, value] of set) res.setHeader(name, value);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}

export function securityHeaders(options: { secure: boolean }): RequestHandler {
  return replayedHeaders(helmetFor(options));
}

/**
 * Lets this page's forms lead to these origins as well: a pay form answers with a redirect to the
 * provider's hosted checkout, and the browser holds a form's redirects to form-action too.
 */
export function allowFormActionTo(res: Response, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const policy = res.getHeader('Content-Security-Policy');
  if (typeof policy !== 'string') return;
  res.setHeader('Content-Security-Policy', policy.replace("form-action 'self'", `form-action 'self' ${origins.join(' ')}`));
}

/** Lets this page show the portal's own files in a frame (a PDF from a same-origin route): frame-src 'self'. */
export function allowSameOriginFrames(res: Response): void {
  const policy = res.getHeader('Content-Security-Policy');
  if (typeof policy !== 'string' || policy.includes('frame-src')) return;
  res.setHeader('Content-Security-Policy', `${policy}; frame-src 'self'`);
}
