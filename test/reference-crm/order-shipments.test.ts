// Covers sending a shipment from an order's staff page: what is left of the order's lines goes in
// one parcel (post/redirect/get), listed on the page with its carrier and tracking link; a
// confirmed order is then on its way; a second send with nothing left, a delivered order or bad
// input is refused with a reason; another workspace's order is a 404. Each shipment tells the
// plugins once (recordChanged, kind order, happened shipped, occurrence the shipment).
import { expect } from 'chai';
import type { CrmRecordChange } from '../../plugins/reference-crm/crm-plugin.ts';
import { ACME_ADMIN, csrfFrom, DEMO_MEMBER, idOf, signIn, startCrm, textOf, type CrmTestContext, type SignedIn } from './support.ts';

/** The error summary's links to a field that is not on the page, or to a field the refusal is not about. */
function brokenSummaryLinks(html: string): string[] {
  const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/href="#([^"]*)"/g)].map((match) => match[1]!);
}

describe('reference CRM order shipments', function () {
  let crm: CrmTestContext;
  let demo: SignedIn;
  let acme: SignedIn;
  const told: CrmRecordChange[] = [];

  before(async function () {
    crm = await startCrm({ plugins: [{ recordChanged: async (change) => void told.push(change) }] });
    demo = await signIn(crm.app, DEMO_MEMBER);
    acme = await signIn(crm.app, ACME_ADMIN);
  });
  after(async function () {
    await crm?.close();
  });

  const send = async (agent: SignedIn, orderId: number, form: Record<string, string>, status: number) => {
    const page = await agent.agent.get(agent === demo ? `/orders/${orderId}` : '/').expect(200);
    return agent.agent
      .post(`/orders/${orderId}/shipments`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...form })
      .expect(status);
  };

  it('sends what is left of an order on its way, and tells the plugins once', async function () {
    const order = await idOf(crm.db, 'orders', { number: 'SO-2026-002' }, 'demo');
    const bad = await send(demo, order, { carrier: 'DHL', trackingUrl: 'javascript:alert(1)' }, 400);
    expect(textOf(bad.text)).to.include('Enter tracking address starting with https:// or http://.');
    const sent = await send(
      demo,
      order,
      { carrier: 'DHL Express', trackingNumber: 'JD0142', trackingUrl: 'https://dhl.example/JD0142' },
      303,
    );
    expect(sent.headers.location).to.equal(`/orders/${order}`);
    const page = (await demo.agent.get(`/orders/${order}`).expect(200)).text;
    expect(textOf(page)).to.include('SO-2026-002-S2').and.include('DHL Express');
    expect(page).to.contain('href="https://dhl.example/JD0142"');
    const shipment = await idOf(crm.db, 'shipments', { number: 'SO-2026-002-S2' }, 'demo');
    const lines = await crm.db('shipment_lines').where({ shipment_id: shipment }).orderBy('id').select('quantity');
    expect(lines.map((l) => Number(l.quantity))).to.deep.equal([2000, 250]); // the business cards went before
    const client = await idOf(crm.db, 'clients', { name: 'Northwind Traders' }, 'demo');
    expect(told).to.deep.equal([
      {
        workspaceId: String(
          await crm
            .db('workspaces')
            .where({ slug: 'demo' })
            .first('id')
            .then((w) => w.id),
        ),
        clientId: String(client),
        kind: 'order',
        id: String(order),
        happened: 'shipped',
        title: 'PO-7781',
        number: 'SO-2026-002',
        occurrence: `shipment:${shipment}`,
      },
    ]);
    const again = await send(demo, order, {}, 409);
    expect(textOf(again.text)).to.include('Every line of this order has been sent already.');
    expect(brokenSummaryLinks(again.text)).to.deep.equal([]);
    expect(told).to.have.length(1);
  });

  it('puts a confirmed order on its way, refuses a delivered one, and finds no other workspace’s', async function () {
    const confirmed = await idOf(crm.db, 'orders', { number: 'SO-2026-003' }, 'demo');
    await send(demo, confirmed, {}, 303);
    expect((await crm.db('orders').where({ id: confirmed }).first('status')).status).to.equal('shipping');
    const delivered = await idOf(crm.db, 'orders', { number: 'SO-2026-001' }, 'demo');
    expect((await demo.agent.get(`/orders/${delivered}`).expect(200)).text).to.not.contain('Send the shipment');
    const refused = await send(demo, delivered, {}, 409);
    expect(textOf(refused.text)).to.include('Only a confirmed order, or one on its way, can be sent.');
    // The refusal is of the order, not of a field: its summary takes the reader nowhere that is not there.
    expect(brokenSummaryLinks(refused.text)).to.deep.equal([]);
    await acme.agent.get(`/orders/${confirmed}`).expect(404);
    await send(acme, confirmed, {}, 404);
    expect(told).to.have.length(2);
  });
});
