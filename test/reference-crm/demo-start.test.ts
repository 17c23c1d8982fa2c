// The demo as `npm start` leaves it (plugins/reference-crm/server.ts: the boot on an empty database
// with the committed flags.json, then openDemoOfStart): the first demo client's navigation links
// every client section of the portal, each page answering 200 with what the demo seeded for it;
// a demo client chooses her two open invoices on the list and pays both in one demo payment, then
// saves a demo card, switches autopay on, and the next invoice, due today, is paid with no step of hers;
// the workspace the portal is off for keeps the defaults of a new workspace; an admin's later
// choice survives the next start; after a booking the agency confirms and an approval, the demo
// outbox holds words, never a text's key or an instant as the database keeps it.
import { expect } from 'chai';
import { bootReferenceCrm, type RunningCrm } from '../../plugins/reference-crm/boot.ts';
import { openDemoOfStart } from '../../plugins/reference-crm/seed-portal-demo.ts';
import { PORTAL_SECTIONS } from '../../src/core/policies/portal-policy.ts';
import { DEFAULT_SETTINGS } from '../../src/core/settings/portal-settings.ts';
import { findSettings } from '../../src/core/settings/queries.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { addDays, dayInZone } from '../../src/core/time/zoned-days.ts';
import { csrfFrom, type PortalHarness, signedInAgent, signedInStaffAgent } from '../support/portal-harness.ts';
import request from 'supertest';
import { createInvoice } from '../../plugins/reference-crm/queries/invoices.ts';
import { AUTOPAY_EVERY_MS } from '../../src/features/invoices/autopay/job.ts';

/** The hrefs of the portal's navigation row (the phone menu repeats the same links). */
function navigationLinks(html: string): string[] {
  const row = /<ul class="portal-nav__row">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...row.matchAll(/<a href="([^"]+)"/g)].map((match) => match[1]!);
}

/** A record of what the demo seeds for each section that starts empty elsewhere, as its page shows it. */
const SEEDED_ON_PAGE: Partial<Record<(typeof PORTAL_SECTIONS)[number], string>> = {
  orders: 'SO-2026-001',
  devices: 'NW-0001',
  contracts: 'Website care and support',
};

describe('npm start: the demo shows the whole portal', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let crm: RunningCrm;

  before(async function () {
    database = await createTestDatabase();
    // As server.ts starts it outside production: its own flags file (flags.json), the demo seed.
    crm = await bootReferenceCrm({ databaseUrl: database.url, port: 0, sessionSecret: 'demo-start-'.padEnd(48, 'x'), quiet: true });
    await openDemoOfStart(crm);
  });

  after(async function () {
    await crm?.close();
    await database?.drop();
  });

  it("links every client section from the first demo client's navigation, each answering 200", async function () {
    const [first] = crm.clientLogins;
    expect(first, 'the first demo login').to.include({ workspaceSlug: 'demo', email: 'maria@northwind.test' });
    const agent = await signedInAgent(request.agent(crm.url), 'demo', first!);
    const home = await agent.get('/portal/demo/').expect(200);
    const links = navigationLinks(home.text);
    const sections = links.map((href) => href.replace('/portal/demo/', '')).filter((name) => name !== '');
    expect(sections).to.include.members([...PORTAL_SECTIONS]);
    for (const href of links) {
      const page = await agent.get(href);
      expect(page.status, href).to.equal(200);
      const section = href.replace('/portal/demo/', '') as (typeof PORTAL_SECTIONS)[number];
      const seeded = SEEDED_ON_PAGE[section];
      if (seeded) expect(page.text, href).to.include(seeded);
    }
    // Bookable: a service to choose, from the hours the demo seeds.
    const booking = await agent.get('/portal/demo/appointments/new').expect(200);
    expect(booking.text).to.include('Consultation');
  });

  it('lets a demo client choose both her open invoices on the list and pay them in one demo payment, both paid in the CRM', async function () {
    const priya = crm.clientLogins.find((login) => login.workspaceSlug === 'demo' && login.email === 'priya@bluebell.test')!;
    const agent = await signedInAgent(request.agent(crm.url), 'demo', priya);
    const list = await agent.get('/portal/demo/invoices').expect(200);
    const chosen = [...list.text.matchAll(/<input type="checkbox" class="record__choice" id="pay-\d+" name="invoice" value="(\d+)"/g)].map(
      (match) => match[1]!,
    );
    const demo = await crm.db('workspaces').where({ slug: 'demo' }).first('id');
    const open = await crm
      .db('invoices')
      .whereIn('id', chosen.map(Number))
      .where({ workspace_id: demo.id })
      .orderBy('number')
      .select('id', 'number', 'status', 'currency');
    expect(open.map((row) => [row.number, row.status, row.currency])).to.deep.equal([
      ['INV-0004', 'overdue', 'EUR'],
      ['INV-0011', 'sent', 'EUR'],
    ]);

    const started = await agent
      .post('/portal/demo/invoices/pay')
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(list.text))}${chosen.map((id) => `&invoice=${id}`).join('')}`)
      .expect(303);
    const checkoutPath = String(started.headers.location);
    expect(checkoutPath).to.match(/^\/portal\/demo\/payments\/demo\/[0-9a-f-]{36}$/);
    const checkout = await agent.get(checkoutPath).expect(200);
    expect(checkout.text).to.include('INV-0004: €1,440.00').and.include('INV-0011: €1,440.00').and.include('€2,880.00');
    await agent
      .post(checkoutPath)
      .type('form')
      .send({ _csrf: csrfFrom(checkout.text), action: 'pay' })
      .expect(303);

    // In the CRM's own tables: each invoice paid, by a payment of its whole amount.
    const after = await crm.db('invoices').whereIn('id', chosen.map(Number)).orderBy('number').select('id', 'number', 'status');
    expect(after.map((row) => [row.number, row.status])).to.deep.equal([
      ['INV-0004', 'paid'],
      ['INV-0011', 'paid'],
    ]);
    const paid = await crm.db('payments').whereIn('invoice_id', chosen.map(Number)).select('invoice_id', 'amount_cents');
    expect(paid.map((row) => [String(row.invoice_id), Number(row.amount_cents)])).to.have.deep.members(chosen.map((id) => [id, 144_000]));
  });

  it('lets a demo client save a card and switch autopay on from Invoices; an invoice issued after, due today, is paid by the next pass', async function () {
    const priya = crm.clientLogins.find((login) => login.workspaceSlug === 'demo' && login.email === 'priya@bluebell.test')!;
    const agent = await signedInAgent(request.agent(crm.url), 'demo', priya);
    const list = await agent.get('/portal/demo/invoices').expect(200);
    const link = /<a [^>]*href="([^"]+)" id="payment-methods-link">/.exec(list.text)?.[1];
    expect(link).to.equal('/portal/demo/payment-methods');
    const page = await agent.get(link!).expect(200);
    const started = await agent
      .post('/portal/demo/payment-methods/add')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    const setup = await agent.get(String(started.headers.location)).expect(200);
    expect(setup.text).to.include('Visa ending in 4242');
    await agent
      .post(String(started.headers.location))
      .type('form')
      .send({ _csrf: csrfFrom(setup.text), action: 'save', method: 'card' })
      .expect(303);
    const saved = await agent.get('/portal/demo/payment-methods').expect(200);
    await agent
      .post('/portal/demo/payment-methods/autopay')
      .type('form')
      .send({ _csrf: csrfFrom(saved.text), action: 'on', chargeOn: 'due', consent: 'on' })
      .expect(303);
    expect((await agent.get('/portal/demo/payment-methods').expect(200)).text).to.include('Autopay is on');

    // The agency issues an invoice due today; the job, every AUTOPAY_EVERY_MS (within six minutes), pays it.
    const bluebell = await crm.db('clients').where({ name: priya.clientName }).first('id', 'workspace_id');
    const today = new Date().toISOString().slice(0, 10);
    const issued = await createInvoice(crm.db, {
      workspaceId: bluebell.workspace_id,
      clientId: bluebell.id,
      status: 'sent',
      currency: 'EUR',
      issueDate: today,
      dueDate: today,
      notes: '',
      items: [{ description: 'December retainer', quantity: 1, unitPriceCents: 144_000 }],
    });
    expect(AUTOPAY_EVERY_MS).to.be.at.most(6 * 60_000);
    expect(await crm.portal.autopay!.run()).to.equal(1);
    const invoice = await crm.db('invoices').where({ id: issued.id }).first('status');
    expect(invoice.status).to.equal('paid');
    const paid = await crm.db('payments').where({ invoice_id: issued.id }).select('amount_cents');
    expect(paid.map((row) => Number(row.amount_cents))).to.deep.equal([144_000]);
  });

  it('leaves every other workspace with the defaults of a new one', async function () {
    const acme = await crm.db('workspaces').where({ slug: 'acme' }).first('id');
    const settings = await findSettings(crm.db, String(acme.id));
    expect(settings).to.deep.equal(DEFAULT_SETTINGS);
  });

  it("keeps an admin's later choice at the next start", async function () {
    const demo = crm.staffLogins.clients.find((login) => login.workspaceSlug === 'demo')!;
    await crm.db('workspace_client_portal_settings').where({ workspace_id: demo.workspaceId }).update({ show_devices: false });
    await openDemoOfStart(crm);
    expect((await findSettings(crm.db, demo.workspaceId)).showDevices).to.equal(false);
  });

  it('leaves no text key and no ISO instant in the outbox after a booking and an approval', async function () {
    const maria = await signedInAgent(request.agent(crm.url), 'demo', crm.clientLogins[0]!);
    const staff = await signedInStaffAgent({ crm, agent: () => request.agent(crm.url) } as unknown as PortalHarness, 'demo');
    crm.outbox!.clear();

    // Maria books the first free time of the next day that has one, and the agency confirms it.
    const demo = await crm.db('workspaces').where({ slug: 'demo' }).first('id');
    const service = await crm.db('appointment_services').where({ workspace_id: demo.id, name: 'Consultation' }).first('id');
    let day = dayInZone(new Date(), 'Europe/Berlin');
    let form = '';
    for (let tries = 0; tries < 14 && !/name="startsAt" value="/.test(form); tries += 1) {
      day = addDays(day, 1);
      form = (await maria.get(`/portal/demo/appointments/new?serviceId=${service.id}&day=${day}`).expect(200)).text;
    }
    const startsAt = /name="startsAt" value="([^"]+)"/.exec(form)?.[1];
    expect(startsAt, 'a free time within two weeks').to.be.a('string');
    const booked = await maria
      .post('/portal/demo/appointments')
      .type('form')
      .send({ _csrf: csrfFrom(form), serviceId: String(service.id), day, startsAt, note: 'About the new site' })
      .expect(303);
    const id = String(booked.headers.location).split('/').pop();
    const staffPage = (await staff.get(`/appointments/${id}`).expect(200)).text;
    await staff
      .post(`/appointments/${id}/confirm`)
      .type('form')
      .send({ _csrf: csrfFrom(staffPage) })
      .expect(303);

    // Maria approves the demo's design.
    const approvals = (await maria.get('/portal/demo/approvals').expect(200)).text;
    const design = /href="(\/portal\/demo\/approvals\/\d+)"[^>]*>[^<]*Homepage design/.exec(approvals)?.[1];
    expect(design, 'the demo approval').to.be.a('string');
    const designPage = (await maria.get(design!).expect(200)).text;
    const version = /name="version" value="(\d+)"/.exec(designPage)?.[1];
    await maria
      .post(`${design}/decision`)
      .type('form')
      .send({ _csrf: csrfFrom(designPage), version, outcome: 'approved' })
      .expect(303);

    // The agency's emails go out on the staff notifications' interval, once the events have
    // settled (two seconds), through the queue: run both now rather than wait for them.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await crm.portal.notifications.dispatchImmediate();
    await crm.portal.drainOutbox();
    const messages = crm.outbox!.messages();
    const subjects = messages.map((m) => m.subject).join('\n');
    expect(subjects)
      .to.match(/^Confirmed: Consultation/m)
      .and.to.match(/^A client asked for an appointment: /m)
      .and.to.match(/approved/i);
    for (const message of messages) {
      const words = `${message.subject}\n${message.text}`;
      // A text's key: two or more dotted lower-camel words (emailSubjects.appointment.requested).
      expect(words, message.subject).to.not.match(/\b[a-z][a-zA-Z]+\.[a-z][a-zA-Z_]+\.[a-z][a-zA-Z_]+\b(?![^\s]*\/)/);
      expect(words, message.subject).to.not.match(/\b(?:emailSubjects|notifications|appointments|approvals):[a-zA-Z]/);
      expect(words, message.subject).to.not.match(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    }
  });
});
