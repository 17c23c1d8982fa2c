// Confirming a draft made by "order again", from the reference CRM's staff page of the order:
// post/redirect/get with the CRM's CSRF token; a draft only (409 for any other order, with the
// reason); two confirmations at once confirm it once. The draft takes the next order number and
// today's date; the client's pages then show it confirmed (the order's own page, and the order it
// was asked from links it with its state), and the client's people who may see orders are told
// once, in the portal and by email, as of a shipment.
import { expect } from 'chai';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';

describe('confirming an "order again" draft on the staff side', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let maria: ReturnType<PortalHarness['agent']>;
  let staff: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;

  const login = (email: string) => demoLogin(h, email);
  const orderId = async (number: string) =>
    (await h.crm.db('orders').where({ workspace_id: workspaceId, number }).first('id')).id as number;
  const confirmedNotices = (subjectId: number) =>
    h.crm
      .db('portal_client_notifications')
      .where({ workspace_id: String(workspaceId), kind: 'order_confirmed', subject_id: String(subjectId) });

  /** Maria asks for SO-2026-002 again: the draft it makes. */
  async function draftAgain(): Promise<{ id: number; number: string; from: number }> {
    const from = await orderId('SO-2026-002');
    const page = (await maria.get(`/portal/demo/orders/${from}`).expect(200)).text;
    await maria
      .post(`/portal/demo/orders/${from}/again`)
      .type('form')
      .send({ _csrf: csrfFrom(page) })
      .expect(303);
    const draft = await h.crm
      .db('orders')
      .where({ workspace_id: workspaceId, reorder_of_id: from, status: 'draft' })
      .orderBy('id', 'desc')
      .first('id', 'number');
    return { id: draft.id, number: draft.number, from };
  }

  const confirm = async (id: number, csrf?: string) =>
    staff
      .post(`/orders/${id}/confirm`)
      .type('form')
      .send({ _csrf: csrf ?? csrfFrom((await staff.get(`/orders/${id}`).expect(200)).text) });

  before(async function () {
    h = await startPortalHarness();
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    await h.crm
      .db('workspace_client_portal_settings')
      .insert({ workspace_id: String(workspaceId), show_orders: true })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(String(workspaceId));
    maria = await signedInAgent(h.agent(), 'demo', login('maria@northwind.test'));
    staff = await signedInStaffAgent(h, 'demo');
  });
  after(async function () {
    await h?.close();
  });
  afterEach(async function () {
    await h.crm.db('portal_rate_limits').delete();
    await h.crm.db('portal_request_guards').delete();
  });

  it('confirms the draft, shows it confirmed to the client and tells them once', async function () {
    const draft = await draftAgain();
    const staffPage = (await staff.get(`/orders/${draft.id}`).expect(200)).text;
    expect(staffPage).to.contain(`action="/orders/${draft.id}/confirm"`).and.contain('Confirm the order');
    const done = await confirm(draft.id, csrfFrom(staffPage));
    expect(done.status).to.equal(303);
    expect(done.headers.location).to.equal(`/orders/${draft.id}`);

    const row = await h.crm
      .db('orders')
      .where({ workspace_id: workspaceId, id: draft.id })
      .first('status', 'number', 'ordered_on', 'confirmed_at');
    expect(row.status).to.equal('confirmed');
    expect(row.number).to.match(/^SO-\d{4}-\d{3}$/);
    expect(row.confirmed_at).to.be.instanceOf(Date);
    expect(row.ordered_on).to.not.equal(null);
    const after = (await staff.get(`/orders/${draft.id}`).expect(200)).text;
    expect(after).to.not.contain('Confirm the order');
    expect(after).to.contain('Send the shipment');

    // The client: the order's own page and list say Confirmed; the order asked from links it.
    const own = (await maria.get(`/portal/demo/orders/${draft.id}`).expect(200)).text;
    expect(own).to.contain(row.number).and.contain('Confirmed');
    expect((await maria.get('/portal/demo/orders').expect(200)).text).to.contain(row.number);
    const asked = (await maria.get(`/portal/demo/orders/${draft.from}`).expect(200)).text;
    expect(asked).to.contain(`href="/portal/demo/orders/${draft.id}"`);
    expect(asked).to.match(new RegExp(`Order ${row.number}, asked for [^<]+: Confirmed`));

    const notices = await confirmedNotices(draft.id);
    const maria_ = await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspaceId), email: 'maria@northwind.test' })
      .first('id');
    expect(notices.map((n) => n.client_user_id)).to.include(maria_.id);
    expect(notices.filter((n) => n.client_user_id === maria_.id)).to.have.length(1);
    const email = await h.smtp.waitForMessage((m) => m.to.includes('maria@northwind.test') && m.subject.includes(row.number));
    expect(email.subject).to.contain(`Your order ${row.number}`).and.contain('is confirmed');
    expect((await maria.get('/portal/demo/notifications').expect(200)).text).to.contain(`Your order ${row.number}`);
  });

  it('refuses to confirm an order that is no draft, with the reason (409), telling no one', async function () {
    const confirmed = await orderId('SO-2026-003');
    const page = (await staff.get(`/orders/${confirmed}`).expect(200)).text;
    expect(page).to.not.contain('Confirm the order');
    const refused = await confirm(confirmed, csrfFrom(page));
    expect(refused.status).to.equal(409);
    expect(refused.text).to.contain('Only a draft can be confirmed, and this order is no draft.');
    expect(await confirmedNotices(confirmed)).to.have.length(0);
  });

  it('confirms once when two confirmations come at once', async function () {
    const draft = await draftAgain();
    const csrf = csrfFrom((await staff.get(`/orders/${draft.id}`).expect(200)).text);
    const answers = await Promise.all([confirm(draft.id, csrf), confirm(draft.id, csrf)]);
    expect(answers.map((a) => a.status).sort()).to.deep.equal([303, 409]);
    const maria_ = await h.crm
      .db('client_users')
      .where({ workspace_id: String(workspaceId), email: 'maria@northwind.test' })
      .first('id');
    expect((await confirmedNotices(draft.id)).filter((n) => n.client_user_id === maria_.id)).to.have.length(1);
  });

  it('refuses a confirmation without the CRM’s form token, and another workspace’s order', async function () {
    const draft = await draftAgain();
    const forged = await staff.post(`/orders/${draft.id}/confirm`).type('form').send({});
    expect(forged.status).to.equal(403);
    expect((await h.crm.db('orders').where({ workspace_id: workspaceId, id: draft.id }).first('status')).status).to.equal('draft');
    const acme = await signedInStaffAgent(h, 'acme');
    const page = (await acme.get('/orders').expect(200)).text;
    await acme
      .post(`/orders/${draft.id}/confirm`)
      .type('form')
      .send({ _csrf: csrfFrom(page) })
      .expect(404);
    expect((await h.crm.db('orders').where({ workspace_id: workspaceId, id: draft.id }).first('status')).status).to.equal('draft');
  });
});
