// Round trips per request for the orders list (all, a status, a search by text and by amount) and
// an order's page: counted as knex query events on the app's connection, first with the seed, then
// with many more orders, lines and deliveries. The count must not grow with the data, and stays
// under a budget.
import { expect } from 'chai';
import { signedInAgent, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';
import { countRoundTrips, type RoundTripCounter } from '../support/round-trips.ts';

describe('orders query budgets', function () {
  let h: PortalHarness;
  let agent: ReturnType<PortalHarness['agent']>;
  let orderUrl: string;
  let trips: RoundTripCounter;
  // The session with its client user and contact are the fixed cost of every page (2 here); then
  // the list is one read, and an order's page one read with its lines, deliveries, invoices and
  // drafts asked for again.
  const budgets = (): Record<string, number> => ({
    '/portal/demo/orders': 3,
    '/portal/demo/orders?status=open': 3,
    '/portal/demo/orders?q=PO-77': 3,
    '/portal/demo/orders?q=1%2C198': 3,
    [orderUrl]: 3,
  });

  before(async function () {
    this.timeout(120_000); // Booting the CRM on a fresh embedded database takes a while on a busy machine.
    h = await startPortalHarness();
    const workspace = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    await h.crm.db('workspace_client_portal_settings').insert({ workspace_id: String(workspace.id), show_orders: true });
    await h.crm.portal.workspaceChanged(String(workspace.id));
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    agent = await signedInAgent(h.agent(), 'demo', login);
    const order = await h.crm.db('orders').where({ workspace_id: workspace.id, number: 'SO-2026-002' }).first('id');
    orderUrl = `/portal/demo/orders/${order.id}`;
    trips = countRoundTrips(h.crm.db);
  });
  after(async function () {
    trips?.stop();
    await h?.close();
  });

  const roundTrips = (url: string) => trips.get(agent, url);

  it('stays within budget, and does not grow with the number of orders, lines and deliveries', async function () {
    const before: Record<string, number> = {};
    for (const url of Object.keys(budgets())) before[url] = await roundTrips(url);

    const db = h.crm.db;
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    const client = await db('clients').where({ workspace_id: workspace.id, name: 'Northwind Traders' }).first('id');
    const order = await db('orders').where({ workspace_id: workspace.id, number: 'SO-2026-002' }).first('id');
    const lines = await db('order_lines')
      .insert(
        Array.from({ length: 30 }, (_, i) => ({
          workspace_id: workspace.id,
          order_id: order.id,
          position: 10 + i,
          description: `Extra line ${i}`,
          quantity: 1,
          unit_price_cents: 100 + i,
        })),
      )
      .returning('id');
    for (let i = 0; i < 10; i++) {
      const [shipment] = await db('shipments')
        .insert({
          workspace_id: workspace.id,
          order_id: order.id,
          number: `SH-EXTRA-${i}`,
          status: 'sent',
          carrier: 'UPS',
          sent_on: '2026-11-10',
        })
        .returning('id');
      await db('shipment_lines').insert({
        workspace_id: workspace.id,
        shipment_id: shipment.id,
        order_line_id: (lines[i] as { id: number }).id,
        quantity: 1,
      });
    }
    for (let i = 0; i < 60; i++) {
      const [extra] = await db('orders')
        .insert({
          workspace_id: workspace.id,
          client_id: client.id,
          number: `SO-EXTRA-${i}`,
          status: ['confirmed', 'shipping', 'delivered', 'cancelled'][i % 4],
          ordered_on: `2026-0${(i % 9) + 1}-01`,
        })
        .returning('id');
      await db('order_lines').insert({
        workspace_id: workspace.id,
        order_id: extra.id,
        position: 1,
        description: 'Extra',
        quantity: 2,
        unit_price_cents: 999,
      });
    }
    for (const [url, budget] of Object.entries(budgets())) {
      const after = await roundTrips(url);
      expect(after, `${url}: ${before[url]} round trips with the seed, ${after} with more data`).to.equal(before[url]);
      expect(after, `${url} made ${after} round trips`).to.be.at.most(budget);
    }
  });
});
