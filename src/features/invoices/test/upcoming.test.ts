// "Coming next" on the payment methods page, against the reference CRM's recurring invoices: the
// demo seed's monthly retainer of Northwind (never Bluebell's), paused ones and ones past their
// end day left out, at most three, soonest first; then who will pay it: the person while autopay
// is off, the saved card once it is on, and a SEPA debit with its advance notice. The soonest is
// also named under the invoice list's heading.
import { expect } from 'chai';
import { allowAutopay, mariasCompany } from './autopay-world.ts';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

type Agent = ReturnType<PortalHarness['agent']>;
const PAGE = '/portal/demo/payment-methods';

describe('upcoming invoices on the payment methods page', function () {
  this.timeout(90_000);
  let h: PortalHarness;
  let client: Agent;
  let scope: { workspaceId: string; clientId: string };
  const section = (html: string) => html.slice(html.indexOf('id="upcoming-title"'), html.indexOf('id="upcoming-payer"') + 400);

  async function saveMethod(method: 'card' | 'sepa_debit') {
    const page = await client.get(PAGE).expect(200);
    const started = await client
      .post(`${PAGE}/add`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) })
      .expect(303);
    const setupUrl = started.headers.location!;
    const setup = await client.get(setupUrl).expect(200);
    await client
      .post(setupUrl)
      .type('form')
      .send({ _csrf: csrfFrom(setup.text), action: 'save', method })
      .expect(303);
  }

  const recurring = (row: Record<string, unknown>) =>
    h.crm.db('recurring_invoices').insert({
      workspace_id: Number(scope.workspaceId),
      client_id: Number(scope.clientId),
      currency: 'USD',
      every: 1,
      unit: 'month',
      ...row,
    });

  before(async function () {
    h = await startPortalHarness();
    const maria = await mariasCompany(h);
    scope = maria.scope;
    await allowAutopay(h, scope.workspaceId);
    client = await signedInAgent(h.agent(), 'demo', maria.login);
  });

  after(async function () {
    await h?.close();
  });

  it("shows the demo's monthly retainer of Northwind, not Bluebell's, and that the client pays it while autopay is off", async function () {
    const [seeded] = await h.crm.adapter.invoices!.upcoming!(scope.workspaceId, scope.clientId);
    expect(seeded).to.deep.include({ title: 'Monthly retainer: website care', amountCents: 150_000, currency: 'USD' });
    expect(seeded!.frequency).to.deep.equal({ every: 1, unit: 'month' });
    expect(seeded!.nextDate).to.match(/^\d{4}-\d{2}-01$/);
    expect(seeded!.nextDate > new Date().toISOString().slice(0, 10)).to.equal(true);

    const page = await client.get(PAGE).expect(200);
    const shown = section(page.text);
    expect(shown)
      .to.include('Coming next')
      .and.include('Monthly retainer: website care')
      .and.include('$1,500.00')
      .and.include('Every month')
      .and.include('Autopay is off: you pay it yourself once it is issued.');
    // Bluebell's is seeded in the same workspace: kept by the CRM, never shown to Northwind.
    const bluebells = await h.crm
      .db('recurring_invoices')
      .where({ workspace_id: Number(scope.workspaceId), title: 'Monthly retainer: shop and newsletter' });
    expect(bluebells).to.have.length(1);
    expect(page.text).not.to.include('Monthly retainer: shop and newsletter');

    // The invoice list names it under its heading, on its first unfiltered page only.
    const list = await client.get('/portal/demo/invoices').expect(200);
    expect(/id="next-invoice">([^<]*)</.exec(list.text)?.[1]).to.match(/^Next invoice: Monthly retainer: website care, \$1,500\.00 on /);
    const filtered = await client.get('/portal/demo/invoices?status=paid').expect(200);
    expect(filtered.text).not.to.include('id="next-invoice"');
  });

  it('leaves out paused ones and ones past their end day; at most three, the soonest first', async function () {
    await recurring({ title: 'Paused hosting', amount_cents: 5_000, next_date: '2030-01-01', active: false });
    await recurring({ title: 'Finished campaign', amount_cents: 7_000, next_date: '2030-02-01', ends_on: '2030-01-31' });
    await recurring({ title: 'Quarterly report', amount_cents: 30_000, next_date: '2030-03-01', every: 3 });
    await recurring({ title: 'Yearly domain', amount_cents: 2_500, next_date: '2030-06-01', unit: 'year' });
    await recurring({ title: 'Later than the three', amount_cents: 1_000, next_date: '2031-01-01' });

    const upcoming = await h.crm.adapter.invoices!.upcoming!(scope.workspaceId, scope.clientId);
    expect(upcoming.map((invoice) => invoice.title)).to.deep.equal(['Monthly retainer: website care', 'Quarterly report', 'Yearly domain']);
    const shown = section((await client.get(PAGE).expect(200)).text);
    expect(shown).to.include('Every 3 months').and.include('Every year').and.include('$25.00');
    expect(shown).not.to.include('Paused hosting').and.not.include('Finished campaign').and.not.include('Later than the three');

    // Another workspace's id, or an id that is no number: nothing.
    expect(await h.crm.adapter.invoices!.upcoming!('999999', scope.clientId)).to.deep.equal([]);
    expect(await h.crm.adapter.invoices!.upcoming!(scope.workspaceId, 'x')).to.deep.equal([]);
  });

  it('says the saved card will pay it once autopay is on, and a SEPA debit with its notice', async function () {
    await saveMethod('card');
    const page = await client.get(PAGE).expect(200);
    await client
      .post(`${PAGE}/autopay`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), action: 'on', chargeOn: 'due', consent: 'on' })
      .expect(303);
    expect(section((await client.get(PAGE).expect(200)).text)).to.include(
      'Autopay will pay it with Visa ending in 4242, on the invoice&#39;s due date.',
    );

    await saveMethod('sepa_debit');
    const sepa = await h.crm
      .db('client_payment_methods')
      .where({ workspace_id: scope.workspaceId, client_id: scope.clientId, kind: 'sepa_debit' })
      .whereNull('removed_at')
      .first('id');
    const before = await client.get(PAGE).expect(200);
    await client
      .post(`${PAGE}/${sepa.id}/default`)
      .type('form')
      .send({ _csrf: csrfFrom(before.text) })
      .expect(303);
    expect(section((await client.get(PAGE).expect(200)).text)).to.include(
      'Autopay will debit it from SEPA Direct Debit ending in 3000, on the invoice&#39;s due date. You are emailed the amount and the date 14 days before the debit.',
    );
  });
});
