// Orders routes, behind requireClient and the orders section (the showOrders switch with the
// person's orders permission): switched off, or without the permission, every page is a 404 like
// one that does not exist. "Order again" acts for the company (allow.company) and posts, then
// redirects (PRG).
import { Router } from 'express';
import { allow, validateBody, validateQuery } from '../../core/index.ts';
import { OrderAgainCommand, OrderListQuery, OrderShowQuery } from './commands.ts';
import type { OrdersHandlers } from './handlers.ts';

export function ordersRoutes(h: OrdersHandlers): Router {
  const router = Router({ mergeParams: true });
  const orders = allow.section('orders');
  router.get('/orders', orders, validateQuery(OrderListQuery), h.list);
  router.get('/orders/:orderId', orders, validateQuery(OrderShowQuery), h.show);
  router.get('/orders/:orderId/pdf', orders, h.pdf);
  router.post('/orders/:orderId/again', orders, allow.company('orders'), validateBody(OrderAgainCommand), h.orderAgain);
  return router;
}
