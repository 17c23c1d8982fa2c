// The files of orders beside its code: the client's orders, their deliveries, and "order again".
// Read before any portal exists (src/core/feature.ts), so it imports no more than they need.
import { fileURLToPath } from 'node:url';
import type { FeatureManifest } from '../../core/index.ts';
import * as showOrders from './migrations/20270501000001_show_orders.ts';

export const ordersManifest: FeatureManifest = {
  name: 'orders',
  views: fileURLToPath(new URL('./views', import.meta.url)),
  locales: fileURLToPath(new URL('./locales', import.meta.url)),
  migrations: {
    '20270501000001_show_orders': showOrders,
  },
  hostPorts: [{ member: 'orders', port: 'OrdersPort', claim: { concept: 'salesOrder' } }],
};
