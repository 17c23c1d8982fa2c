// What the portal knows about each request for operating it: an id (the caller's X-Request-Id when
// it is a short safe token, else a new one, echoed in the response), a logger that puts the id on
// every line, and at the end one line and one histogram sample labelled with the route pattern,
// never the raw path, which can hold a token (`/p/:token`, `/password/reset/:token`).
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { StructuredLogger } from './logging.ts';
import type { PortalMetrics } from './metrics.ts';

interface RequestContext {
  id: string;
  /** A logger with the request id on every line, made when a line is first logged through it. */
  log(): StructuredLogger;
  /** Where the router that took the request is mounted (e.g. `/portal`), read before routing moves it. */
  mount: string;
  /** The path below the mount, read before routing moves it. */
  path: string;
  /** Set when the request entered a workspace's portal (`/:workspaceSlug`). */
  workspace: boolean;
}

const contexts = new WeakMap<Request, RequestContext>();

// Letters, digits and . _ : - only, as load balancers and tracing headers use: nothing that could
// forge a log line or carry a secret of any length.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

export function requestIdOf(req: Request): string | undefined {
  return contexts.get(req)?.id;
}

/** The request's logger (its id on every line), or the fallback outside a portal request. */
export function requestLog(req: Request, fallback: StructuredLogger): StructuredLogger {
  return contexts.get(req)?.log() ?? fallback;
}

/** Marks the request as one of a workspace's portal: its route label gains `/:workspaceSlug`. */
export function markWorkspaceRequest(req: Request, _res: Response, next: NextFunction): void {
  const context = contexts.get(req);
  if (context) context.workspace = true;
  next();
}

/** The route a request matched, as a pattern below the host's mount path. */
export function routePattern(req: Request): string {
  const context = contexts.get(req);
  const mount = context?.mount ?? req.baseUrl;
  // Static files first: the assets' own routes sit in a router mounted at /assets.
  if (context?.path.startsWith('/assets/')) return `${mount}/assets/*`;
  const route = (req as Request & { route?: { path?: unknown } }).route?.path;
  if (typeof route === 'string') return `${mount}${context?.workspace ? '/:workspaceSlug' : ''}${route}`;
  return context?.workspace ? `${mount}/:workspaceSlug/*` : `${mount}/*`;
}

export interface RequestContextOptions {
  logger: StructuredLogger;
  metrics: PortalMetrics;
  /** Routes whose lines are logged at debug level (health checks every few seconds are noise). */
  quiet?: (route: string) => boolean;
  /** Anything else the portal attaches to each request (its live streams). */
  onRequest?: (req: Request) => void;
}

export function requestContext(options: RequestContextOptions): RequestHandler {
  return (req, res, next) => {
    // Mounted on several routers; a request that passes two keeps its first id.
    if (contexts.has(req)) return next();
    const incoming = req.get('X-Request-Id');
    const id = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    // A child logger (its bindings serialised when it is made) only for a request that logs more
    // than its own line; at a level that writes no request lines, most requests build none.
    let child: StructuredLogger | undefined;
    const log = () => (child ??= options.logger.child({ reqId: id }));
    contexts.set(req, { id, log, mount: req.baseUrl, path: req.path, workspace: false });
    res.set('X-Request-Id', id);
    options.onRequest?.(req);
    const started = process.hrtime.bigint();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routePattern(req);
      // A connection the client dropped before an answer never got a status of its own.
      const status = res.headersSent ? res.statusCode : 499;
      options.metrics.observeRequest(req.method, route, status, seconds);
      const quiet = options.quiet?.(route) ?? false;
      // The request's own line carries its id as a field: the same line a child logger would write.
      const line = { reqId: id, method: req.method, route, status, ms: Math.round(seconds * 1000) };
      if (child) child[quiet ? 'debug' : 'info']({ method: line.method, route, status, ms: line.ms }, 'request');
      else options.logger[quiet ? 'debug' : 'info'](line, 'request');
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}
