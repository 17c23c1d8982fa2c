// The orders section over HTTP against the reference CRM: the list by status with a search by
// number, the client's reference and the amount (as the reader writes numbers); an order's page
// with its lines, totals, history, linked quotation and invoice, deliveries with carrier and a
// tracking link (only an http(s) address is a link); its PDF; "order again" (PRG, one draft with
// the same lines in the CRM, logged for the agency, a double click making no second draft, the
// staff's order page saying where it came from); another company's order, a switched-off section
// and a role without orders (Billing) are 404; German words.
import { expect } from 'chai';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  setPortalSettings,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';

describe('client orders', function () {
  let h: PortalHarness;
  let maria: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;
  const MARIA = 'maria@northwind.test';

  const login = (email: string) => demoLogin(h, email);
  const orderId = async (number: string) =>
    (await h.crm.db('orders').where({ workspace_id: workspaceId, number }).first('id')).id as number;
  const setSettings = (values: Record<string, unknown>) => setPortalSettings(h, workspaceId, values);

  before(async function () {
    this.timeout(120_000); // Booting the CRM on a fresh embedded database takes a while on a busy machine.
    h = await startPortalHarness();
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    maria = await signedInAgent(h.agent(), 'demo', login(MARIA));
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    await setSettings({ show_orders: true });
  });
  afterEach(async function () {
    await h.crm.db('orders').where({ workspace_id: workspaceId, status: 'draft' }).whereNotNull('reorder_of_id').delete();
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it("lists the company's orders newest first with their status and total, and names the section in the navigation", async function () {
    const html = (await maria.get('/portal/demo/orders').expect(200)).text;
    expect(html).to.contain('href="/portal/demo/orders"');
    const order = ['SO-2026-002', 'SO-2026-001'].map((n) => html.indexOf(n));
    expect(order.every((at) => at > 0)).to.equal(true);
    expect(order[0]).to.be.below(order[1]!);
    expect(html).to.contain('On its way').and.contain('Delivered').and.contain('Your reference PO-7781');
    expect(html, "Bluebell's order").to.not.contain('SO-2026-003');
    const open = (await maria.get('/portal/demo/orders?status=open').expect(200)).text;
    expect(open).to.contain('SO-2026-002').and.not.contain('SO-2026-001');
    const delivered = (await maria.get('/portal/demo/orders?status=delivered').expect(200)).text;
    expect(delivered).to.contain('SO-2026-001').and.not.contain('SO-2026-002');
    const cancelled = (await maria.get('/portal/demo/orders?status=cancelled').expect(200)).text;
    expect(cancelled).to.contain('No orders with this status.');
  });

  it('searches by number, by the client’s reference and by amount, and refuses a malformed query with a message', async function () {
    const byRef = (await maria.get('/portal/demo/orders?q=po-7781').expect(200)).text;
    expect(byRef).to.contain('SO-2026-002').and.not.contain('SO-2026-001');
    const byNumber = (await maria.get('/portal/demo/orders?q=2026-001').expect(200)).text;
    expect(byNumber).to.contain('SO-2026-001').and.not.contain('SO-2026-002');
    // SO-2026-001: 500 × $1.80 + 2 × $149.00 = $1,198.00.
    const byAmount = (await maria.get('/portal/demo/orders?q=1%2C198').expect(200)).text;
    expect(byAmount).to.contain('SO-2026-001').and.not.contain('SO-2026-002');
    expect((await maria.get('/portal/demo/orders?q=nothing-like-it').expect(200)).text).to.contain('nothing-like-it');
    const badStatus = await maria.get('/portal/demo/orders?status=later').expect(400);
    expect(badStatus.text).to.contain('Choose open, delivered, cancelled or all orders.');
    await maria.get(`/portal/demo/orders?q=${'x'.repeat(101)}`).expect(400);
    await maria.get('/portal/demo/orders?after=not%20a%20cursor').expect(400);
  });

  it("shows an order's lines, totals, history, linked records and delivery with its tracking link", async function () {
    const html = (await maria.get(`/portal/demo/orders/${await orderId('SO-2026-001')}`).expect(200)).text;
    expect(html).to.contain('Order SO-2026-001').and.contain('Printed brochures, A5, 16 pages').and.contain('$1,198.00');
    expect(html).to.contain('Confirmed').and.contain('Delivered');
    expect(html).to.contain('SH-2026-001').and.contain('by UPS');
    expect(html).to.contain('<a href="https://www.ups.com/track?tracknum=1Z999AA10123456784" rel="noopener noreferrer" target="_blank">');
    expect(html).to.match(/Invoice INV-\d+/);
    expect(html).to.contain('Printed on recycled paper, as agreed.');
    const progress = (await maria.get(`/portal/demo/orders/${await orderId('SO-2026-002')}`).expect(200)).text;
    expect(progress).to.contain('On its way').and.contain('by DHL Express').and.contain('1,000 × Business cards, 400 g, matt');
  });

  it('says an order on its way past its planned day is late since the day after, in the list and on its page', async function () {
    const id = await orderId('SO-2026-002');
    const planned = (await h.crm.db('orders').where({ workspace_id: workspaceId, id }).first('delivery_on')).delivery_on;
    await h.crm.db('orders').where({ workspace_id: workspaceId, id }).update({ delivery_on: '2026-01-19' });
    try {
      const page = (await maria.get(`/portal/demo/orders/${id}`).expect(200)).text;
      expect(page).to.contain('On its way').and.contain('Late since Jan 20, 2026');
      expect((await maria.get('/portal/demo/orders').expect(200)).text).to.contain('Late since Jan 20, 2026');
      const delivered = (await maria.get(`/portal/demo/orders/${await orderId('SO-2026-001')}`).expect(200)).text;
      expect(delivered, 'a delivered order is never late').to.not.contain('Late since');
      // Planned for a day to come (two days on, whatever the reader's time zone): not late.
      const later = new Date(Date.now() + 2 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
      await h.crm.db('orders').where({ workspace_id: workspaceId, id }).update({ delivery_on: later });
      const onTime = (await maria.get(`/portal/demo/orders/${id}`).expect(200)).text;
      expect(onTime, 'planned for a day to come').to.contain('On its way').and.not.contain('Late since');
    } finally {
      await h.crm.db('orders').where({ workspace_id: workspaceId, id }).update({ delivery_on: planned });
    }
  });

  it('links a tracking address only when it is http(s)', async function () {
    const shipment = await h.crm.db('shipments').where({ workspace_id: workspaceId, number: 'SH-2026-002' }).first('id', 'tracking_url');
    await h.crm.db('shipments').where({ workspace_id: workspaceId, id: shipment.id }).update({ tracking_url: 'javascript:alert(1)' });
    try {
      const html = (await maria.get(`/portal/demo/orders/${await orderId('SO-2026-002')}`).expect(200)).text;
      expect(html).to.not.contain('javascript:');
      expect(html).to.contain('tracking number 00340434161094042557');
    } finally {
      await h.crm.db('shipments').where({ workspace_id: workspaceId, id: shipment.id }).update({ tracking_url: shipment.tracking_url });
    }
  });

  it("downloads the order's PDF, made by the portal", async function () {
    const res = await maria
      .get(`/portal/demo/orders/${await orderId('SO-2026-001')}/pdf`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).to.contain('application/pdf');
    expect((res.body as Buffer).subarray(0, 5).toString()).to.equal('%PDF-');
  });

  it('orders again: one draft with the same lines in the CRM, logged, shown on the order and on the staff page', async function () {
    const id = await orderId('SO-2026-002');
    const page = (await maria.get(`/portal/demo/orders/${id}`).expect(200)).text;
    const sent = await maria
      .post(`/portal/demo/orders/${id}/again`)
      .type('form')
      .send({ _csrf: csrfFrom(page) })
      .expect(303);
    expect(sent.headers.location).to.equal(`/portal/demo/orders/${id}?asked=1#reorders`);
    // A double click: the first one's draft stands, no second one.
    await maria
      .post(`/portal/demo/orders/${id}/again`)
      .type('form')
      .send({ _csrf: csrfFrom(page) })
      .expect(303);
    const drafts = await h.crm.db('orders').where({ workspace_id: workspaceId, reorder_of_id: id });
    expect(drafts).to.have.length(1);
    expect(drafts[0].status).to.equal('draft');
    const lines = await h.crm.db('order_lines').where({ workspace_id: workspaceId, order_id: drafts[0].id }).orderBy('position');
    expect(lines.map((l) => l.description)).to.deep.equal(['Business cards, 400 g, matt', 'Letterheads, 120 g', 'Presentation folders']);
    const after = (await maria.get(`/portal/demo/orders/${id}?asked=1`).expect(200)).text;
    expect(after).to.contain('Sent: the agency has a new draft order').and.contain(`Draft ${drafts[0].number}`);
    // The draft is the agency's: not in the client's list.
    expect((await maria.get('/portal/demo/orders').expect(200)).text).to.not.contain(drafts[0].number);
    const logged = await h.crm.db('client_activity_logs').where({ workspace_id: String(workspaceId), event: 'order.reordered' });
    expect(logged).to.have.length(1);
    expect(logged[0].details).to.include({ number: 'SO-2026-002', draftNumber: drafts[0].number });
    const staff = await signedInStaffAgent(h, 'demo');
    const staffPage = (await staff.get(`/orders/${drafts[0].id}`).expect(200)).text;
    expect(staffPage).to.contain('Order again request').and.contain('Maria García').and.contain('order SO-2026-002');
    const notifications = (await staff.get('/client-portal/notifications').expect(200)).text;
    expect(notifications).to.contain('Asked for an order again');
    await maria.get(`/portal/demo/orders/${id}?asked=yes`).expect(400);
  });

  it("answers 404 for another company's order, an unknown id and a malformed one, for pages, PDF and order again", async function () {
    const theirs = await orderId('SO-2026-003');
    await maria.get(`/portal/demo/orders/${theirs}`).expect(404);
    await maria.get(`/portal/demo/orders/${theirs}/pdf`).expect(404);
    const page = (await maria.get('/portal/demo/orders').expect(200)).text;
    await maria
      .post(`/portal/demo/orders/${theirs}/again`)
      .type('form')
      .send({ _csrf: csrfFrom(page) })
      .expect(404);
    expect(await h.crm.db('orders').where({ workspace_id: workspaceId, reorder_of_id: theirs })).to.have.length(0);
    await maria.get('/portal/demo/orders/999999').expect(404);
    await maria.get('/portal/demo/orders/not%20an%20id').expect(404);
    const priya = await signedInAgent(h.agent(), 'demo', login('priya@bluebell.test'));
    await priya.get(`/portal/demo/orders/${await orderId('SO-2026-001')}`).expect(404);
    expect((await priya.get('/portal/demo/orders').expect(200)).text)
      .to.contain('SO-2026-003')
      .and.not.contain('SO-2026-001');
  });

  it('does not exist while show_orders is off (the default), nor for a role without orders', async function () {
    const id = await orderId('SO-2026-001');
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
    await maria.get('/portal/demo/orders').expect(404);
    await maria.get(`/portal/demo/orders/${id}`).expect(404);
    await maria.get(`/portal/demo/orders/${id}/pdf`).expect(404);
    expect((await maria.get('/portal/demo/').expect(200)).text).to.not.contain('/portal/demo/orders"');
    await setSettings({ show_orders: true });
    // Ben has the Billing role: invoices, payments, documents and contracts only.
    const ben = await signedInAgent(h.agent(), 'demo', login('ben@northwind.test'));
    await ben.get('/portal/demo/orders').expect(404);
    await ben.get(`/portal/demo/orders/${id}`).expect(404);
    await ben.get(`/portal/demo/orders/${id}/pdf`).expect(404);
    const benPage = (await ben.get('/portal/demo/').expect(200)).text;
    expect(benPage).to.not.contain('/portal/demo/orders"');
    await ben
      .post(`/portal/demo/orders/${id}/again`)
      .type('form')
      .send({ _csrf: csrfFrom(benPage) })
      .expect(404);
    // Orders hidden from Maria by the agency (her role keeps everything else).
    const users = () => h.crm.db('client_users').where({ workspace_id: String(workspaceId), email: MARIA });
    await users().update({ denied_permissions: ['orders'] });
    try {
      await h.crm.portal.workspaceChanged(String(workspaceId));
      await maria.get('/portal/demo/orders').expect(404);
      await maria.get(`/portal/demo/orders/${id}`).expect(404);
      const page = (await maria.get('/portal/demo/').expect(200)).text;
      await maria
        .post(`/portal/demo/orders/${id}/again`)
        .type('form')
        .send({ _csrf: csrfFrom(page) })
        .expect(404);
    } finally {
      await users().update({ denied_permissions: [] });
    }
  });

  it('speaks German to a reader who chose it', async function () {
    const user = await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspaceId), email: MARIA })
      .first('id');
    await h.crm.db('client_users').where({ id: user.id }).update({ locale: 'de' });
    try {
      const html = (await maria.get('/portal/demo/orders').expect(200)).text;
      expect(html).to.contain('Bestellungen').and.contain('Unterwegs').and.contain('Ihre Referenz PO-7781');
      const page = (await maria.get(`/portal/demo/orders/${await orderId('SO-2026-001')}`).expect(200)).text;
      expect(page).to.contain('Lieferungen').and.contain('Erneut bestellen').and.contain('Statusverlauf');
      // An amount as a German reader writes it.
      expect((await maria.get('/portal/demo/orders?q=1.198').expect(200)).text).to.contain('SO-2026-001');
    } finally {
      await h.crm.db('client_users').where({ id: user.id }).update({ locale: null });
    }
  });
});
