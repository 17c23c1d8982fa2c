// A form sent with a CSRF token that no longer matches, nearly always because the person signed in
// or out in another tab (which issues a new token), is not an attack to answer with a dead end.
// Where the route knows how to show its form again (a validateBody with a re-render), the check
// marks the request instead of refusing it; validateBody then re-renders the same form, with what
// was typed, a fresh token and this explanation, and never lets the request reach its handler.
// Everything else is still refused with 403.
import { Router, type Request, type Response } from 'express';

/** Set on a validateBody that re-renders its form, so a stale CSRF token can be answered with that form too. */
export const RERENDERS_FORM = Symbol('rerendersForm');

const retries = new WeakMap<Request, string>();

export function markCsrfRetry(req: Request, explanation: string): void {
  retries.set(req, explanation);
}

/** The explanation to show above a form re-rendered after a stale token, if this request is one. */
export function csrfRetryExplanation(req: Request): string | undefined {
  return retries.get(req);
}

interface RouteLayer {
  route?: { path: string | string[]; methods: Record<string, boolean>; stack: Array<{ handle: unknown }> };
  handle?: { stack?: RouteLayer[] };
}

/**
 * Answers whether a request would reach one of the given routers' POST routes that `pick` chooses,
 * using Express's own path matching (a router holding only those paths), so it cannot drift from
 * what is mounted.
 */
export function postRouteMatcher(
  routers: Router[],
  pick: (handlers: unknown[]) => boolean,
): (req: Request, res: Response) => Promise<boolean> {
  const matcher = Router({ mergeParams: true });
  const hits = new WeakSet<Request>();
  const walk = (stack: RouteLayer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        if (!layer.route.methods.post || !pick(layer.route.stack.map((l) => l.handle))) continue;
        matcher.post(layer.route.path, (req, _res, next) => {
          hits.add(req);
          next('router');
        });
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  for (const router of routers) walk((router as unknown as { stack: RouteLayer[] }).stack);
  return (req, res) =>
    new Promise((resolve) => {
      matcher(req, res, () => resolve(hits.has(req)));
    });
}

/** A route whose validateBody re-renders its form on bad input, so it can on a stale token too. */
export const rerendersForm = (handlers: unknown[]) =>
  handlers.some((handle) => typeof handle === 'function' && (handle as { [RERENDERS_FORM]?: boolean })[RERENDERS_FORM] === true);
