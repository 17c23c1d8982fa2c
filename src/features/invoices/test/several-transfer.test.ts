// Paying several invoices by one bank transfer, over HTTP against the reference CRM: the client
// chooses open invoices on the list and is sent (post/redirect/get) to a page that shows them,
// their total, the workspace's account and one reference naming them all, with an EPC QR code that
// decodes to exactly that; "I have paid" logs one report naming every invoice (one notification to
// the agency) and changes no invoice. With online payments off the list still offers it. What one
// transfer cannot pay (mixed currencies, an invoice paid or another company's, numbers past a
// transfer's 140-character reference, no account to pay into) is refused with a sentence, on the
// list or on the page; a kept address whose invoice was paid meanwhile says so. The page's
// statements are counted: a fixed part and one host read per invoice.
import { expect } from 'chai';
import { csrfFrom, signedInAgent, startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { countQueries, describeQueries } from '../../../../test/support/query-counter.ts';
import { decodeQrPng, pngFromDataUrl } from '../../../../test/support/qr-decode.ts';
import { mariasCompany, openInvoiceFor, saveOnlinePayments, type CompanyScope } from './autopay-world.ts';

type Agent = ReturnType<PortalHarness['agent']>;
const LIST = '/portal/demo/invoices';
const PAGE = '/portal/demo/invoices/pay/transfer';
/** What the page costs for two invoices (warm), and what each further invoice adds: its host read. */
const PAGE_BUDGET = 5;
const PER_INVOICE = 1;

describe('paying several invoices by one bank transfer', function () {
  this.timeout(90_000);
  let h: PortalHarness;
  let client: Agent;
  let scope: CompanyScope;

  const openInvoice = (cents: number, currency = 'EUR') => openInvoiceFor(h, scope, cents, { currency, issueDate: '2026-11-02' });
  const find = async (id: string) => (await h.crm.adapter.invoices!.find(scope.workspaceId, scope.clientId, id))!;
  const pageOf = (ids: string[], reported = false) =>
    `${PAGE}?${ids.map((id) => `invoice=${id}`).join('&')}${reported ? '&reported=1' : ''}`;
  const reports = () =>
    h.crm.db('client_activity_logs').where({ workspace_id: scope.workspaceId, event: 'invoice.payment_reported' }).orderBy('id');

  /** Posts the list's form to the transfer button's action, as the browser sends it. */
  async function choose(ids: string[], status: number) {
    const list = await client.get(LIST).expect(200);
    return client
      .post(`${LIST}/pay/transfer`)
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(list.text))}${ids.map((id) => `&invoice=${encodeURIComponent(id)}`).join('')}`)
      .expect(status);
  }

  before(async function () {
    h = await startPortalHarness();
    const maria = await mariasCompany(h);
    client = await signedInAgent(h.agent(), 'demo', maria.login);
    scope = maria.scope;
    await saveOnlinePayments(h, true);
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    await h.afterRepeatWindow();
  });

  it('shows the chosen invoices, their total, the account and one reference naming them all, in an EPC code that decodes to them', async function () {
    const first = await openInvoice(30_000);
    const second = await openInvoice(12_345);
    const [a, b] = [await find(first), await find(second)];
    const list = await client.get(LIST).expect(200);
    expect(list.text).to.include('Pay the chosen invoices</button>').and.include('Pay the chosen invoices by bank transfer');

    const chosen = await choose([first, second], 303);
    expect(chosen.headers.location).to.equal(pageOf([first, second]));
    const page = await client.get(pageOf([first, second])).expect(200);
    const reference = `${a.number} ${b.number}`;
    expect(page.text)
      .to.include('Pay 2 invoices by bank transfer')
      .and.include(`/invoices/${first}"`)
      .and.include(`/invoices/${second}"`)
      .and.include('€423.45')
      .and.include('DE89 3704 0044 0532 0130 00')
      .and.include(reference);
    const src = /<img src="(data:image\/png;base64,[^"]+)"[^>]*data-epc-qr/.exec(page.text)?.[1];
    expect(src, 'the QR code image').to.be.a('string');
    expect(decodeQrPng(pngFromDataUrl(src!))).to.equal(
      ['BCD', '002', '1', 'SCT', 'COBADEFFXXX', 'Demo Agency GmbH', 'DE89370400440532013000', 'EUR423.45', '', '', reference].join('\n'),
    );
  });

  it('"I have paid" logs one report naming every invoice, tells the agency once, and changes no invoice', async function () {
    const first = await openInvoice(20_000);
    const second = await openInvoice(5_000);
    const before = [await find(first), await find(second)];
    const reportsBefore = (await reports()).length;
    const page = await client.get(pageOf([first, second])).expect(200);
    const sent = h.smtp.messages.length;
    await client
      .post(`${PAGE}/report`)
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(page.text))}&invoice=${first}&invoice=${second}&reference=TRF-2611`)
      .expect(303)
      .expect('Location', pageOf([first, second], true));
    const logged = (await reports()).slice(reportsBefore);
    expect(logged).to.have.length(1);
    expect(logged[0].details).to.deep.include({
      invoiceIds: [first, second],
      invoiceNumber: `${before[0]!.number} ${before[1]!.number}`,
      balanceCents: 25_000,
      currency: 'EUR',
      reference: 'TRF-2611',
    });
    expect([await find(first), await find(second)]).to.deep.equal(before);
    const after = await client.get(pageOf([first, second], true)).expect(200);
    expect(after.text).to.include('The 2 invoices show as paid once they have received it.');

    // One transfer, one email to each of the agency's admins, naming both invoices.
    await new Promise((resolve) => setTimeout(resolve, 2300));
    await h.crm.portal.notifications.runOnce();
    await h.crm.portal.drainOutbox();
    const told = h.smtp.messages.slice(sent).filter((m) => m.subject.includes('bank transfer'));
    const admins = new Set(told.map((m) => m.to));
    expect(told.length).to.equal(admins.size);
    expect(told[0]?.text).to.include(before[0]!.number).and.include(before[1]!.number);
  });

  it('forty reports of one transfer at once log one', async function () {
    const first = await openInvoice(6_000);
    const second = await openInvoice(7_000);
    const page = await client.get(pageOf([first, second])).expect(200);
    const body = `_csrf=${encodeURIComponent(csrfFrom(page.text))}&invoice=${first}&invoice=${second}&reference=TRF-40`;
    const count = (await reports()).length;
    const answers = await Promise.all(Array.from({ length: 40 }, () => client.post(`${PAGE}/report`).type('form').send(body)));
    expect(answers.filter((res) => ![303, 409, 429].includes(res.status)).map((res) => res.status)).to.deep.equal([]);
    const logged = (await reports()).slice(count);
    expect(logged.map((row) => row.details.reference)).to.deep.equal(['TRF-40']);
  });

  it('with online payments off, the list offers the transfer alone and the online form does not exist', async function () {
    const first = await openInvoice(1_000);
    await saveOnlinePayments(h, false);
    try {
      const list = await client.get(LIST).expect(200);
      expect(list.text)
        .to.include('name="invoice"')
        .and.include('Pay the chosen invoices by bank transfer')
        .and.not.include('Pay the chosen invoices</button>');
      await client
        .post(`${LIST}/pay`)
        .type('form')
        .send({ _csrf: csrfFrom(list.text), invoice: first })
        .expect(404);
      await choose([first], 303);
    } finally {
      await saveOnlinePayments(h, true);
    }
  });

  it('refuses on the list what one transfer cannot pay, with a sentence, and keeps the choice', async function () {
    const euro = await openInvoice(1_000);
    const dollar = await openInvoice(1_000, 'USD');
    expect((await choose([euro, dollar], 400)).text).to.include('different currencies');

    const paid = await openInvoice(2_000);
    await h.crm.adapter.invoices!.recordPayment!(scope.workspaceId, scope.clientId, paid, {
      amountCents: 2_000,
      method: 'bank_transfer',
      reference: 'staff',
      paidAt: new Date(),
      provider: null,
    });
    const paidNumber = (await find(paid)).number;
    const refused = await choose([euro, paid], 400);
    expect(refused.text)
      .to.include(`Nothing is left to pay on invoice ${paidNumber}`)
      .and.match(new RegExp(`value="${euro}"\\s+checked`));

    const other = await h.crm.db('invoices').whereNot({ client_id: scope.clientId }).where({ workspace_id: scope.workspaceId }).first('id');
    expect((await choose([euro, String(other.id)], 400)).text).to.include('could not be found');
    expect((await choose([], 400)).text).to.include('Choose at least one invoice to pay.');

    // Numbers past the 140 characters a transfer's reference carries (this CRM's are about nine
    // with the space between them: some sixteen invoices, within the 25 one choice may hold).
    const many: string[] = [];
    const numbers: string[] = [];
    while (numbers.join(' ').length <= 140) {
      many.push(await openInvoice(100 + many.length));
      numbers.push((await find(many[many.length - 1]!)).number);
    }
    expect(many.length, 'within what one choice may hold').to.be.at.most(25);
    expect((await choose(many, 400)).text).to.include('do not fit in one transfer reference (140 characters)');
    // One fewer does.
    const fitting = many.slice(0, -1);
    await choose(fitting, 303);
  });

  it('with no account to pay into (no IBAN, no instructions), says so instead of showing a page that cannot be paid', async function () {
    const first = await openInvoice(1_000);
    const saved = await h.crm.db('workspaces').where({ id: scope.workspaceId }).first('iban');
    await h.crm.db('workspaces').where({ id: scope.workspaceId }).update({ iban: null });
    try {
      expect((await choose([first], 400)).text).to.include('name no bank account to pay into');
      // The admin's instructions are enough: the page shows them, without an account or a code.
      await h.crm
        .db('portal_payment_settings')
        .insert({ workspace_id: scope.workspaceId, bank_transfer_instructions: 'Pay to our account at Sparkasse Köln.' })
        .onConflict('workspace_id')
        .merge();
      const page = await client.get(pageOf([first])).expect(200);
      expect(page.text).to.include('Pay to our account at Sparkasse Köln.').and.not.include('data-epc-qr');
    } finally {
      await h.crm.db('workspaces').where({ id: scope.workspaceId }).update(saved);
      await h.crm.db('portal_payment_settings').where({ workspace_id: scope.workspaceId }).update({ bank_transfer_instructions: null });
    }
  });

  it('a kept address whose invoice was paid meanwhile says so (409); another company’s invoice is not found; a bad query is a 400', async function () {
    const first = await openInvoice(4_000);
    const second = await openInvoice(4_000);
    await h.crm.adapter.invoices!.recordPayment!(scope.workspaceId, scope.clientId, second, {
      amountCents: 4_000,
      method: 'card',
      reference: null,
      paidAt: new Date(),
      provider: null,
    });
    const stale = await client.get(pageOf([first, second])).expect(409);
    expect(stale.text)
      .to.include(`Nothing is left to pay on invoice ${(await find(second)).number}`)
      .and.include('Back to invoices');
    const other = await h.crm.db('invoices').whereNot({ client_id: scope.clientId }).where({ workspace_id: scope.workspaceId }).first('id');
    await client.get(pageOf([first, String(other.id)])).expect(404);
    await client.get(PAGE).expect(400);
    // Reporting it is refused the same way, and logs nothing.
    const page = await client.get(pageOf([first])).expect(200);
    const count = (await reports()).length;
    await client
      .post(`${PAGE}/report`)
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(page.text))}&invoice=${first}&invoice=${second}`)
      .expect(409);
    expect(await reports()).to.have.length(count);
    // A reference past its length is the form's to correct: the page again, with the message.
    const long = await client
      .post(`${PAGE}/report`)
      .type('form')
      .send(`_csrf=${encodeURIComponent(csrfFrom(page.text))}&invoice=${first}&reference=${'x'.repeat(121)}`)
      .expect(400);
    expect(long.text).to.include('aria-invalid="true"');
  });

  it('counts the page’s statements: a fixed part, and one host read per invoice', async function () {
    const ids: string[] = [];
    for (let n = 0; n < 4; n += 1) ids.push(await openInvoice(700 + n));
    const counter = countQueries();
    try {
      await client.get(pageOf(ids.slice(0, 2))).expect(200);
      const two = await counter.measure(() => client.get(pageOf(ids.slice(0, 2))).expect(200));
      const four = await counter.measure(() => client.get(pageOf(ids)).expect(200));
      console.log(`      several-transfer page: ${two.count} queries for two invoices, ${four.count} for four`);
      expect(two.count, describeQueries('the page for two invoices', two)).to.be.at.most(PAGE_BUDGET);
      expect(four.count - two.count, describeQueries('the page for four invoices', four)).to.be.at.most(2 * PER_INVOICE);
    } finally {
      counter.stop();
    }
  });
});
