// The routes a set of feature routers answers, read from the routers themselves, so the list can
// never drift from what is mounted: the navigation links only to sections that have a page, and
// the isolation tests cover every route that exists.
import type { RequestHandler, Router } from 'express';
import type { ActionRule } from '../policies/client-actions.ts';
import { BODY_FIELDS } from './validate.ts';

export interface RouteEntry {
  method: string;
  /** As declared in the feature router, relative to the workspace portal: '/proposals/:id'. */
  path: string;
  /** The fields the route's validateBody names, when it has one (tests send them). */
  bodyFields?: string[];
  /** Set when the route's chain declares a permission step (src/core/web/route-steps.ts). */
  permissionStep?: true;
  /** The action and whose object it acts on, where the chain declares them (src/core/policies/client-actions.ts). */
  actionRule?: ActionRule;
}

/** The mark a permission step (src/core/web/route-steps.ts) carries, read back by routeTable. */
export const PERMISSION_STEP = Symbol.for('customer-portal.permission-step');

/** The mark of a step declaring an action rule, carrying the rule, read back by routeTable. */
export const ACTION_RULE = Symbol.for('customer-portal.action-rule');

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean>; stack?: Array<{ handle?: unknown }> };
  handle?: { stack?: Layer[] };
}

export function routeTable(routers: Router[]): RouteEntry[] {
  const entries: RouteEntry[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        const validated = (layer.route.stack ?? [])
          .map((l) => (l.handle as { [BODY_FIELDS]?: string[] } | undefined)?.[BODY_FIELDS])
          .find((fields) => fields !== undefined);
        const guarded = (layer.route.stack ?? []).some(
          (l) => (l.handle as { [PERMISSION_STEP]?: boolean } | undefined)?.[PERMISSION_STEP] === true,
        );
        const actionRule = (layer.route.stack ?? [])
          .map((l) => (l.handle as { [ACTION_RULE]?: ActionRule } | undefined)?.[ACTION_RULE])
          .find((rule) => rule !== undefined);
        for (const path of paths) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all')
              entries.push({
                method: method.toUpperCase(),
                path,
                ...(validated ? { bodyFields: validated } : {}),
                ...(guarded ? { permissionStep: true as const } : {}),
                ...(actionRule ? { actionRule } : {}),
              });
          }
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  for (const router of routers) walk((router as unknown as { stack: Layer[] }).stack);
  return entries;
}

/**
 * A feature router that is only entered when the path's first segment is one its routes start
 * with. Express otherwise tries every route of every router mounted before the one that answers:
 * some 60 patterns before the messages page. A router with middleware of its own (a gate that sees
 * every request), or with a route that starts with a parameter, is returned as it is.
 */
export function enteredByFirstSegment(router: Router): RequestHandler {
  const stack = (router as unknown as { stack: Layer[] }).stack;
  if (stack.some((layer) => !layer.route)) return router;
  const segments = new Set<string>();
  for (const path of stack.flatMap((layer) => layer.route!.path)) {
    const first = firstSegment(path);
    if (first.includes(':') || first.includes('*') || first.includes('(') || first.includes('{')) return router;
    segments.add(first);
  }
  return (req, res, next) => (segments.has(firstSegment(req.path)) ? router(req, res, next) : next());
}

/** 'proposals' of '/proposals/12', '' of '/'; lower case, as Express matches routes. */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return (end === -1 ? path.slice(1) : path.slice(1, end)).toLowerCase();
}
