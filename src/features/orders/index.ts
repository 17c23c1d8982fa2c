// Orders: what the client ordered from the agency and where it is, as the host keeps it, and
// "order again", which asks the agency for a new draft with the same lines.
import type { CoreServices, Feature } from '../../core/index.ts';
import { createOrdersHandlers } from './handlers.ts';
import { ordersManifest } from './manifest.ts';
import { ordersRoutes } from './routes.ts';

export function ordersFeature(core: CoreServices): Feature {
  const { db, adapter, storage } = core;
  const { orders } = adapter;
  return {
    name: ordersManifest.name,
    needs: { ports: ['orders'] },
    clientRoutes: orders ? [ordersRoutes(createOrdersHandlers({ db, orders, storage, guard: core.guard, now: core.now }))] : [],
  };
}
