// Orders. The order asked for is Northwind's delivered one (Maria's company): another client of
// the workspace, and a client of another workspace, get 404 for it, its PDF, and "order again"
// (which answers the owner 303, a second click within seconds too, with the first one's draft).
import { demoWorkspaceId } from '../support/demo-records.ts';
import type { MatrixRoute, MatrixWorld } from './matrix.ts';

const ownOrder =
  (tail = '') =>
  async (world: MatrixWorld): Promise<string> => {
    const db = world.h.crm.db;
    const order = await db('orders')
      .where({ workspace_id: await demoWorkspaceId(db), number: 'SO-2026-001' })
      .first('id');
    return `/orders/${order.id}${tail}`;
  };

export const routes: MatrixRoute[] = [
  { method: 'GET', path: '/orders', url: () => '/orders?status=all', ownedByClient: false, switches: ['showOrders'] },
  { method: 'GET', path: '/orders/:orderId', url: ownOrder(), ownedByClient: true, switches: ['showOrders'] },
  { method: 'GET', path: '/orders/:orderId/pdf', url: ownOrder('/pdf'), ownedByClient: true, switches: ['showOrders'] },
  {
    method: 'POST',
    path: '/orders/:orderId/again',
    url: ownOrder('/again'),
    ownedByClient: true,
    switches: ['showOrders'],
    ownerStatus: [303],
  },
];
