// Clients told of the agency's side of approvals, orders and contracts, on the reference CRM. At
// Northwind, Maria García (full access) and Tom Becker (Billing, reading German) are active.
// Staff share a design for approval and then its next version on the CRM's own pages: Maria is
// asked once per version, by email at once; Tom (no approvals) never. A shipment of an order (the
// host reports it, or staff send one from the CRM's order page) tells Maria once per shipment, not
// Tom (no orders), and no one while orders are switched off. Staff record time against Northwind's support hours (7.5 of 10 used this month) on
// the CRM's contract page: reaching 8 hours tells Maria and Tom (contracts) that 80 % is used,
// once, and reaching 10 hours tells them again at 100 %; a person the agency hides contracts from
// is not told. The kinds are offered on the notifications page, and the daily email carries them.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { setAsideDemoRoleLogins } from '../../../../test/support/demo-records.ts';
import { simplePdf } from '../../../../plugins/reference-crm/seed.ts';
import {
  csrfFrom,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
  type PortalHarness,
} from '../../../../test/support/portal-harness.ts';

const BASE = '/portal/demo';

describe('notifications for clients of the agency’s work: approvals, shipments, allowances', function () {
  let h: PortalHarness;
  let db: Knex;
  let workspaceId: string;
  let maria: { id: string; client_id: string; contact_id: string };
  let tom: { id: string };
  let agent: Awaited<ReturnType<typeof signedInAgent>>;
  let staff: Awaited<ReturnType<typeof signedInStaffAgent>>;

  const rowsOf = (clientUserId: string, kind: string) =>
    db('portal_client_notifications')
      .where({ workspace_id: workspaceId, client_user_id: clientUserId, kind })
      .orderBy('id')
      .select('subject_type', 'subject_id', 'occurrence', 'title', 'number', 'channel');
  const change = (fields: Record<string, unknown>) =>
    h.crm.portal.hostRecordChanged({ workspaceId, clientId: maria.client_id, ...fields } as never);
  const setSettings = async (values: Record<string, unknown>) => {
    await db('workspace_client_portal_settings')
      .insert({ workspace_id: workspaceId, ...values })
      .onConflict('workspace_id')
      .merge();
    await h.crm.portal.workspaceChanged(workspaceId);
  };

  before(async function () {
    this.timeout(120_000);
    h = await startPortalHarness();
    db = h.crm.db;
    workspaceId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
    await setAsideDemoRoleLogins(db);
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
    maria = await db('client_users').where({ workspace_id: workspaceId, email: login.email }).first('id', 'client_id', 'contact_id');
    const [tomContact] = await h.crm.adapter.contacts.findByEmail(workspaceId, 'tom@northwind.test');
    tom = (
      await db('client_users')
        .insert({
          workspace_id: workspaceId,
          client_id: tomContact!.clientId,
          contact_id: tomContact!.id,
          email: 'tom@northwind.test',
          status: 'active',
          role: 'billing',
          locale: 'de',
        })
        .returning('id')
    )[0]!;
    await setSettings({ show_approvals: true, show_orders: true, show_contracts: true });
    agent = await signedInAgent(h.agent(), 'demo', login);
    staff = await signedInStaffAgent(h, 'demo');
  });
  after(async function () {
    await h?.close();
  });

  it('asks the people who may decide for their approval of each version staff share, once each', async function () {
    h.smtp.clear();
    const form = (await staff.get(`/approvals/new?client=${maria.client_id}`).expect(200)).text;
    const shared = await staff
      .post('/approvals')
      .field('_csrf', csrfFrom(form))
      .field('clientId', maria.client_id)
      .field('title', 'Spring flyer')
      .field('message', 'The first draft.')
      .attach('file', simplePdf('Spring flyer', ['Draft 1']), { filename: 'flyer.pdf', contentType: 'application/pdf' })
      .expect(303);
    const approvalId = shared.headers.location!.split('/').pop()!;
    const page = (await staff.get(`/approvals/${approvalId}`).expect(200)).text;
    await staff
      .post(`/approvals/${approvalId}/versions`)
      .field('_csrf', csrfFrom(page))
      .field('message', 'With your changes.')
      .attach('file', simplePdf('Spring flyer', ['Draft 2']), { filename: 'flyer-2.pdf', contentType: 'application/pdf' })
      .expect(303);
    expect(await rowsOf(maria.id, 'approval_requested')).to.deep.equal([
      { subject_type: 'approval', subject_id: approvalId, occurrence: 'version:1', title: 'Spring flyer', number: '1', channel: 'email' },
      { subject_type: 'approval', subject_id: approvalId, occurrence: 'version:2', title: 'Spring flyer', number: '2', channel: 'email' },
    ]);
    expect(await rowsOf(tom.id, 'approval_requested')).to.deep.equal([]);
    // The host telling the same version again asks no one twice.
    await change({ kind: 'approval', id: approvalId, happened: 'requested', title: 'Spring flyer', number: '2', occurrence: 'version:2' });
    expect(await rowsOf(maria.id, 'approval_requested')).to.have.length(2);
    const email = await h.smtp.waitForMessage((m) => m.to.includes('maria@northwind.test') && m.subject.includes('version 2'));
    expect(email.subject).to.contain('Spring flyer, version 2, awaits your approval');
    // Opening it leads to the approval's page.
    const row = await db('portal_client_notifications')
      .where({ workspace_id: workspaceId, client_user_id: maria.id, kind: 'approval_requested', occurrence: 'version:2' })
      .first('id');
    const opened = await agent.get(`${BASE}/notifications/${row.id}`).expect(303);
    expect(opened.headers.location).to.equal(`${BASE}/approvals/${approvalId}`);
    await h.crm.portal.drainOutbox();
    expect(h.smtp.messages.filter((m) => m.to.includes('tom@northwind.test'))).to.deep.equal([]);
  });

  it('tells the people who may see orders of each shipment of an order once, and no one while orders are off', async function () {
    const shipped = (shipment: string) => ({
      kind: 'order',
      id: '7001',
      happened: 'shipped',
      number: 'SO-7001',
      title: 'PO-42',
      occurrence: `shipment:${shipment}`,
    });
    await setSettings({ show_orders: false });
    await change(shipped('80'));
    expect(await rowsOf(maria.id, 'order_shipped')).to.deep.equal([]);
    await setSettings({ show_orders: true });
    await change(shipped('81'));
    await change(shipped('81'));
    await change(shipped('82'));
    expect((await rowsOf(maria.id, 'order_shipped')).map((r) => [r.subject_type, r.subject_id, r.occurrence])).to.deep.equal([
      ['order', '7001', 'shipment:81'],
      ['order', '7001', 'shipment:82'],
    ]);
    expect(await rowsOf(tom.id, 'order_shipped')).to.deep.equal([]);
    const list = (await agent.get(`${BASE}/notifications`).expect(200)).text;
    expect(list).to.contain('A delivery of your order SO-7001 · PO-42 is on its way');
    // Staff send the rest of Northwind's stationery from the order's page in the CRM.
    const order = await db('orders')
      .where({ workspace_id: Number(workspaceId), number: 'SO-2026-002' })
      .first('id');
    const page = (await staff.get(`/orders/${order.id}`).expect(200)).text;
    await staff
      .post(`/orders/${order.id}/shipments`)
      .type('form')
      .send({ _csrf: csrfFrom(page), carrier: 'DHL Express', trackingNumber: 'JD0142' })
      .expect(303);
    const last = (await rowsOf(maria.id, 'order_shipped')).at(-1)!;
    expect([last.subject_id, last.number, last.title, last.channel]).to.deep.equal([String(order.id), 'SO-2026-002', 'PO-7781', 'email']);
    const opened = await db('portal_client_notifications')
      .where({ workspace_id: workspaceId, client_user_id: maria.id, kind: 'order_shipped', subject_id: String(order.id) })
      .first('id');
    expect((await agent.get(`${BASE}/notifications/${opened.id}`).expect(303)).headers.location).to.equal(`${BASE}/orders/${order.id}`);
  });

  it('tells the people who may see contracts when time staff record brings a line to 80 % and to 100 % of its allowance, once each', async function () {
    const contract = await db('contracts')
      .where({ workspace_id: Number(workspaceId), number: 'CT-2026-001' })
      .first('id');
    const line = await db('contract_lines')
      .where({ workspace_id: Number(workspaceId), contract_id: contract.id, name: 'Support hours' })
      .first('id');
    const today = new Date().toISOString().slice(0, 10);
    // A person the agency hides contracts from is not told.
    await db('client_users')
      .where({ workspace_id: workspaceId, id: tom.id })
      .update({ denied_permissions: ['contracts'] });
    const record = async (amount: string, expected = 303) => {
      const page = (await staff.get(`/contracts/${contract.id}`).expect(200)).text;
      return staff
        .post(`/contracts/${contract.id}/time-entries`)
        .type('form')
        .send({ _csrf: csrfFrom(page), lineId: String(line.id), day: today, amount, description: 'Checks' })
        .expect(expected);
    };
    h.smtp.clear();
    await record('0.25'); // 7.75 of 10: below 80 %
    expect(await rowsOf(maria.id, 'allowance_nearly_used')).to.deep.equal([]);
    await record('0.25'); // 8 of 10: 80 %
    await record('1'); // 9 of 10: still 80 %, told before
    const period = `${today.slice(0, 8)}01`;
    expect(await rowsOf(maria.id, 'allowance_nearly_used')).to.deep.equal([
      {
        subject_type: 'contract',
        subject_id: String(contract.id),
        occurrence: `line:${line.id}:${period}:80`,
        title: 'Support hours',
        number: '80',
        channel: 'email',
      },
    ]);
    expect(await rowsOf(tom.id, 'allowance_nearly_used')).to.deep.equal([]);
    await db('client_users').where({ workspace_id: workspaceId, id: tom.id }).update({ denied_permissions: [] });
    await record('1.5'); // 10.5 of 10: all used
    expect((await rowsOf(maria.id, 'allowance_nearly_used')).map((r) => r.number)).to.deep.equal(['80', '100']);
    expect((await rowsOf(tom.id, 'allowance_nearly_used')).map((r) => r.number)).to.deep.equal(['100']);
    const toTom = await h.smtp.waitForMessage((m) => m.to.includes('tom@northwind.test'));
    expect(toTom.subject).to.contain('Support hours: 100 % des Kontingents dieses Zeitraums verbraucht');
    const toMaria = await h.smtp.waitForMessage((m) => m.to.includes('maria@northwind.test') && m.subject.includes('80 %'));
    expect(toMaria.subject).to.contain('Support hours: 80 % of this period’s allowance used');
    // The contract's staff page shows the entries and the hours used this period.
    const page = (await staff.get(`/contracts/${contract.id}`).expect(200)).text;
    expect(page).to.contain('10.5 of 10');
    // Bad input is refused in words, and records nothing.
    const refused = await record('a lot', 400);
    expect(refused.text).to.contain('Enter the hours or units as a number, for example 1.5 or 1,5.');
    expect((await rowsOf(maria.id, 'allowance_nearly_used')).length).to.equal(2);
  });

  it('offers each new kind on the notifications page, as the person’s sections allow', async function () {
    const page = (await agent.get(`${BASE}/account/notifications`).expect(200)).text;
    expect(page).to.contain('Work shared for your approval');
    expect(page).to.contain('A delivery of your orders on its way');
    expect(page).to.contain('allowance nearly or all used this period');
    await setSettings({ show_orders: false });
    try {
      const without = (await agent.get(`${BASE}/account/notifications`).expect(200)).text;
      expect(without).to.not.contain('A delivery of your orders on its way');
    } finally {
      await setSettings({ show_orders: true });
    }
  });

  it('gathers them in the daily email for a person who chose it', async function () {
    const page = (await agent.get(`${BASE}/account/notifications`).expect(200)).text;
    await agent
      .post(`${BASE}/account/notifications`)
      .type('form')
      .send({ _csrf: csrfFrom(page), order_shipped: 'digest', allowance_nearly_used: 'digest' })
      .expect(303);
    await db('portal_client_preferences').where({ workspace_id: workspaceId }).update({ last_digest_at: null });
    await change({ kind: 'order', id: '7002', happened: 'shipped', number: 'SO-7002', occurrence: 'shipment:90' });
    await change({
      kind: 'contract',
      id: '7003',
      happened: 'reached',
      title: 'Design hours',
      number: '80',
      occurrence: 'line:1:2026-01-01:80',
    });
    h.smtp.clear();
    await h.crm.portal.clientNotifications.digests();
    // The daily email by its subject: an email sent at once by an earlier test may still arrive.
    const daily = await h.smtp.waitForMessage(
      (m) => m.to.includes('maria@northwind.test') && /new items? in your client portal/.test(m.subject),
    );
    expect(daily.text).to.contain('A delivery of your order SO-7002 is on its way');
    expect(daily.text).to.contain('Design hours: 80 % of this period’s allowance used');
  });

  it('refuses an approval, order or contract reported without its occurrence', async function () {
    let thrown: unknown;
    try {
      await change({ kind: 'order', id: '7001', happened: 'shipped' });
    } catch (err) {
      thrown = err;
    }
    expect(String(thrown)).to.contain('reported with its occurrence');
  });
});
