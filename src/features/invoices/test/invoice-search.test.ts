// The invoices list's search: one invoice found by its number, case-insensitive; the list without
// a search unchanged; the search kept by the next-page link and by the status filter; `%` and `_`
// taken as the characters they are; a search over the limit a 400 that says so, in the reader's
// language; another company's invoice never found.
import { expect } from 'chai';
import { createInvoice } from '../../../../plugins/reference-crm/queries/invoices.ts';
import { demoNorthwind, demoWorkspaceId } from '../../../../test/support/demo-records.ts';
import { type PortalHarness, type signedInAgent, signedInDemoClient, startPortalHarness } from '../../../../test/support/portal-harness.ts';

/** The numbers the list shows, in its order. */
const numbers = (html: string) => [...html.matchAll(/<span class="record__number">([^<]*)<\/span>/g)].map((m) => m[1]!);
const nextHref = (html: string) => /<a href="([^"]*)" rel="next">/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? null;

describe('invoices list: search', function () {
  let h: PortalHarness;
  let maria: Awaited<ReturnType<typeof signedInAgent>>;

  before(async function () {
    this.timeout(180_000);
    h = await startPortalHarness();
    maria = await signedInDemoClient(h, 'maria@northwind.test');
    const northwind = await demoNorthwind(h.crm.db);
    const invoice = (number: string, status: 'sent' | 'paid', issueDate: string) =>
      createInvoice(h.crm.db, {
        workspaceId: northwind.workspace_id,
        clientId: northwind.id,
        number,
        status,
        currency: 'USD',
        issueDate,
        dueDate: '2027-12-31',
        notes: '',
        items: [{ description: 'Work', quantity: 1, unitPriceCents: 10_000 }],
      });
    // 25 of one series: more than a page (20), some paid, some unpaid.
    for (let i = 1; i <= 25; i += 1)
      await invoice(`SER-${String(i).padStart(3, '0')}`, i % 5 === 0 ? 'paid' : 'sent', `2026-01-${String(i).padStart(2, '0')}`);
    // LIKE's own characters, and what they would match if they were not taken literally.
    await invoice('RATE-50%-A', 'sent', '2026-02-01');
    await invoice('RATE-500-A', 'sent', '2026-02-02');
    await invoice('LOT_7', 'sent', '2026-02-03');
    await invoice('LOTX7', 'sent', '2026-02-04');
    // Another company's invoice with a number Maria might type.
    const workspaceId = await demoWorkspaceId(h.crm.db);
    const other = await h.crm.db('clients').where({ workspace_id: workspaceId }).whereNot({ id: northwind.id }).first<{ id: number }>('id');
    await createInvoice(h.crm.db, {
      workspaceId,
      clientId: other.id,
      number: 'SER-OTHER-1',
      status: 'sent',
      currency: 'USD',
      issueDate: '2026-03-01',
      dueDate: '2027-12-31',
      notes: '',
      items: [{ description: 'Work', quantity: 1, unitPriceCents: 10_000 }],
    });
  });
  after(async function () {
    await h?.close();
  });

  it('finds one invoice by its number, in any case', async function () {
    const page = await maria.get('/portal/demo/invoices').query({ q: 'ser-007' }).expect(200);
    expect(numbers(page.text)).to.deep.equal(['SER-007']);
    expect(page.text).to.include('1 result for “ser-007”.');
    expect(page.text, 'the box keeps the search').to.match(/<input id="invoices-search" name="q" type="search" value="ser-007"/);
    expect(page.text, 'a way back to the whole list').to.include('<a href="/portal/demo/invoices">Clear the search</a>');
  });

  it('lists every invoice as before without a search', async function () {
    const plain = await maria.get('/portal/demo/invoices').expect(200);
    const blank = await maria.get('/portal/demo/invoices').query({ q: '   ' }).expect(200);
    expect(numbers(plain.text)).to.have.length(20);
    expect(numbers(blank.text), 'a blank search is none').to.deep.equal(numbers(plain.text));
    expect(plain.text).not.to.include('search-summary');
    expect(nextHref(plain.text), 'the next page carries no search').to.match(/^\/portal\/demo\/invoices\?after=[\w-]+$/);
  });

  it('keeps the search on the next page and with the status filter', async function () {
    const first = await maria.get('/portal/demo/invoices').query({ q: 'SER-' }).expect(200);
    expect(numbers(first.text)).to.have.length(20);
    expect(
      numbers(first.text).every((n) => n.startsWith('SER-0')),
      numbers(first.text).join(),
    ).to.equal(true);
    expect(first.text).to.include('The first 20 results for “SER-”; more on the next page.');
    const next = nextHref(first.text);
    expect(next, 'the next-page link').to.match(/^\/portal\/demo\/invoices\?q=SER-&after=[\w-]+$/);
    const second = await maria.get(next!).expect(200);
    expect(numbers(second.text), 'the rest of the series, and no other company').to.have.length(5);
    expect([...numbers(first.text), ...numbers(second.text)].sort()).to.deep.equal(
      Array.from({ length: 25 }, (_, i) => `SER-${String(i + 1).padStart(3, '0')}`),
    );
    expect(second.text, 'the first page keeps the search').to.include('href="/portal/demo/invoices?q=SER-"');

    const paid = await maria.get('/portal/demo/invoices').query({ status: 'paid', q: 'ser' }).expect(200);
    expect(numbers(paid.text)).to.deep.equal(['SER-025', 'SER-020', 'SER-015', 'SER-010', 'SER-005']);
    expect(paid.text, 'clearing keeps the filter').to.include('<a href="/portal/demo/invoices?status=paid">Clear the search</a>');
  });

  it('takes % and _ as the characters they are', async function () {
    const percent = await maria.get('/portal/demo/invoices').query({ q: '50%' }).expect(200);
    expect(numbers(percent.text)).to.deep.equal(['RATE-50%-A']);
    const underscore = await maria.get('/portal/demo/invoices').query({ q: 'lot_' }).expect(200);
    expect(numbers(underscore.text)).to.deep.equal(['LOT_7']);
    const backslash = await maria.get('/portal/demo/invoices').query({ q: 'RATE\\' }).expect(200);
    expect(numbers(backslash.text)).to.deep.equal([]);
  });

  it('says plainly when nothing matches, with the way back', async function () {
    const none = await maria.get('/portal/demo/invoices').query({ q: 'SER-OTHER' }).expect(200);
    expect(numbers(none.text), "another company's invoice").to.deep.equal([]);
    expect(none.text).to.include('Nothing matches “SER-OTHER”.');
    expect(none.text).to.include('href="/portal/demo/invoices">Clear the search</a>');
    const german = await maria.get('/portal/demo/invoices').query({ q: 'SER-OTHER' }).set('Accept-Language', 'de').expect(200);
    expect(german.text).to.include('Nichts passt zu „SER-OTHER“.');
  });

  it('answers a search over 100 characters with a 400 that says so', async function () {
    const long = await maria
      .get('/portal/demo/invoices')
      .query({ q: 'x'.repeat(101) })
      .expect(400);
    expect(long.text).to.include('Search for at most 100 characters.');
    const german = await maria
      .get('/portal/demo/invoices')
      .query({ q: 'x'.repeat(101) })
      .set('Accept-Language', 'de')
      .expect(400);
    expect(german.text).to.include('Suchen Sie nach höchstens 100 Zeichen.');
    await maria
      .get('/portal/demo/invoices')
      .query({ q: 'x'.repeat(100) })
      .expect(200);
  });
});
