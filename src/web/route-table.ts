// The routes a set of feature routers answers, read from the routers themselves, so the list can
// never drift from what is mounted: the navigation links only to sections that have a page, and
// the isolation tests cover every route that exists.
import type { Router } from 'express';

export interface RouteEntry {
  method: string;
  /** As declared in the feature router, relative to the workspace portal: '/proposals/:id'. */
  path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

export function routeTable(routers: Router[]): RouteEntry[] {
  const entries: RouteEntry[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all') entries.push({ method: method.toUpperCase(), path });
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
