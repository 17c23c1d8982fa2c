// Covers the invoice staff pages: list, detail with items, payments and balance, create (line
// items, date checks, 400 messages, CSRF 403), recording payments (marks the invoice paid when the
// balance reaches zero, refuses overpayment), and 404 across workspaces.
import { expect } from 'chai';
import { ACME_ADMIN, DEMO_ADMIN, idOf, signIn, startCrm, textOf, type CrmTestContext, type SignedIn } from './support.ts';

describe('reference CRM invoices', function () {
  let crm: CrmTestContext;
  let demo: SignedIn;

  before(async function () {
    crm = await startCrm();
    demo = await signIn(crm.app, DEMO_ADMIN);
  });

  after(async function () {
    await crm?.close();
  });

  it("lists the workspace's invoices with totals and balances in their currency", async function () {
    const text = textOf((await demo.agent.get('/invoices').expect(200)).text);
    expect(text).to.include('INV-0001');
    expect(text).to.include('€1,440.00');
    expect(text).to.include('Overdue');
    expect(text).to.not.include('Riverside Yoga');
  });

  it("lists the workspace's recurring invoices: the demo's monthly retainers, another workspace's not", async function () {
    const page = (await demo.agent.get('/invoices').expect(200)).text;
    const table = textOf(page.slice(page.indexOf('id="recurring-invoices"')));
    expect(table).to.include('Monthly retainer: website care Northwind Traders Every month');
    expect(table).to.include('Active $1,500.00');
    expect(table).to.include('Monthly retainer: shop and newsletter Bluebell Bakery Every month');
    expect(table).to.include('€800.00');
    expect(table).to.not.include('Riverside Yoga');
  });

  it('shows an invoice with items, payments and the balance due', async function () {
    const id = await idOf(crm.db, 'invoices', { number: 'INV-0002' }, 'demo');
    const text = textOf((await demo.agent.get(`/invoices/${id}`).expect(200)).text);
    expect(text).to.include('Northwind Traders');
    expect(text).to.include('Stock photography licences 6 $45.00 $270.00');
    expect(text).to.include('Total $5,170.00');
    expect(text).to.include('Paid $2,000.00');
    expect(text).to.include('Balance due $3,170.00');
    expect(text).to.include('NW-2290');
    expect(text).to.include('Record a payment');
  });

  it('creates an invoice', async function () {
    const clientId = await idOf(crm.db, 'clients', { name: 'Harbor Dental Group' }, 'demo');
    const res = await demo.agent
      .post('/invoices')
      .type('form')
      .send(
        `_csrf=${encodeURIComponent(demo.csrf)}&clientId=${clientId}&currency=USD&issueDate=2026-11-20&dueDate=2026-12-20&status=sent&notes=Net+30` +
          '&items[0][description]=Care+plan,+December&items[0][quantity]=1&items[0][unitPrice]=350',
      )
      .expect(303);
    const text = textOf((await demo.agent.get(res.headers.location!).expect(200)).text);
    expect(text).to.match(/Invoice INV-\d{4}/);
    expect(text).to.include('Dec 20, 2026');
    expect(text).to.include('Total $350.00');
  });

  it('explains invalid invoices (400)', async function () {
    const clientId = await idOf(crm.db, 'clients', { name: 'Harbor Dental Group' }, 'demo');
    const res = await demo.agent
      .post('/invoices')
      .type('form')
      .send(
        `_csrf=${encodeURIComponent(demo.csrf)}&clientId=${clientId}&currency=USD&issueDate=2026-11-20&dueDate=2026-11-01&status=sent` +
          '&items[0][description]=Work&items[0][unitPrice]=10',
      )
      .expect(400);
    expect(textOf(res.text)).to.include('The due date must be on or after the issue date.');

    const missing = await demo.agent.post('/invoices').type('form').send({ _csrf: demo.csrf }).expect(400);
    const text = textOf(missing.text);
    expect(text).to.include('Choose the client to invoice.');
    expect(text).to.include('Enter the issue date.');
    expect(text).to.include('Enter the due date.');
  });

  it('refuses to create without the CSRF token (403)', async function () {
    await demo.agent.post('/invoices').type('form').send({ currency: 'USD' }).expect(403);
  });

  it('records payments and marks the invoice paid when the balance reaches zero', async function () {
    const id = await idOf(crm.db, 'invoices', { number: 'INV-0002' }, 'demo');
    const over = await demo.agent
      .post(`/invoices/${id}/payments`)
      .type('form')
      .send({ _csrf: demo.csrf, amount: '5000', method: 'card', paidOn: '2026-11-18' })
      .expect(400);
    expect(textOf(over.text)).to.include('The amount is more than the balance due ($3,170.00).');

    await demo.agent
      .post(`/invoices/${id}/payments`)
      .type('form')
      .send({ _csrf: demo.csrf, amount: '170.00', method: 'card', paidOn: '2026-11-18', reference: 'CARD-1' })
      .expect(303);
    let text = textOf((await demo.agent.get(`/invoices/${id}`).expect(200)).text);
    expect(text).to.include('Balance due $3,000.00');

    await demo.agent
      .post(`/invoices/${id}/payments`)
      .type('form')
      .send({ _csrf: demo.csrf, amount: '3,000', method: 'bank_transfer', paidOn: '2026-11-19' })
      .expect(303);
    text = textOf((await demo.agent.get(`/invoices/${id}`).expect(200)).text);
    expect(text).to.include('Balance due $0.00');
    expect(text).to.include('Status Paid');
    expect(text).to.not.include('Record a payment');
  });

  it('validates payments (400) and requires the CSRF token (403)', async function () {
    const id = await idOf(crm.db, 'invoices', { number: 'INV-0004' }, 'demo');
    const res = await demo.agent
      .post(`/invoices/${id}/payments`)
      .type('form')
      .send({ _csrf: demo.csrf, amount: 'lots', method: 'gold' })
      .expect(400);
    const text = textOf(res.text);
    expect(text).to.include('Amount must be a number, for example 1250.00.');
    expect(text).to.include('Choose how the client paid.');
    await demo.agent.post(`/invoices/${id}/payments`).type('form').send({ amount: '1', method: 'card', paidOn: '2026-11-18' }).expect(403);
  });

  it("answers 404 for another workspace's invoice and its payments", async function () {
    const acmeInvoice = await idOf(crm.db, 'invoices', { number: 'INV-0001' }, 'acme');
    await demo.agent.get(`/invoices/${acmeInvoice}`).expect(404);
    await demo.agent
      .post(`/invoices/${acmeInvoice}/payments`)
      .type('form')
      .send({ _csrf: demo.csrf, amount: '1', method: 'card', paidOn: '2026-11-18' })
      .expect(404);
    const acme = await signIn(crm.app, ACME_ADMIN);
    const text = textOf((await acme.agent.get(`/invoices/${acmeInvoice}`).expect(200)).text);
    expect(text).to.include('Booth concept');
    expect(text).to.include('No payments recorded.');
  });
});
