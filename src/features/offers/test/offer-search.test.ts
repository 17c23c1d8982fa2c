// The proposals and quotations lists' search: by number or by title, in any case, kept by the
// next-page link and the status filter, `%` and `_` taken as the characters they are, a search
// over the limit a 400; another company's proposal never found.
import { expect } from 'chai';
import { createOffer } from '../../../../plugins/reference-crm/queries/offers.ts';
import { QUOTATIONS } from '../../../../plugins/reference-crm/queries/quotations.ts';
import { demoNorthwind, demoWorkspaceId, sentProposal } from '../../../../test/support/demo-records.ts';
import { type PortalHarness, type signedInAgent, signedInDemoClient, startPortalHarness } from '../../../../test/support/portal-harness.ts';

const numbers = (html: string) => [...html.matchAll(/<span class="record__number">([^<]*)<\/span>/g)].map((m) => m[1]!);
const nextHref = (html: string) => /<a href="([^"]*)" rel="next">/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? null;

describe('proposals and quotations lists: search', function () {
  let h: PortalHarness;
  let maria: Awaited<ReturnType<typeof signedInAgent>>;

  before(async function () {
    this.timeout(180_000);
    h = await startPortalHarness();
    maria = await signedInDemoClient(h, 'maria@northwind.test');
    const northwind = await demoNorthwind(h.crm.db);
    // More than a page (20) of one title, and LIKE's own characters in titles.
    for (let i = 1; i <= 23; i += 1) await sentProposal(h.crm.db, northwind, { number: `CAMP-${i}`, title: `Spring campaign, wave ${i}` });
    await sentProposal(h.crm.db, northwind, { number: 'DISC-1', title: 'Discount 10% off' });
    await sentProposal(h.crm.db, northwind, { number: 'DISC-2', title: 'Discount 100 off' });
    await sentProposal(h.crm.db, northwind, { number: 'SNAKE-1', title: 'file_name cleanup' });
    await sentProposal(h.crm.db, northwind, { number: 'SNAKE-2', title: 'filename cleanup' });
    await createOffer(h.crm.db, QUOTATIONS, {
      workspaceId: northwind.workspace_id,
      clientId: northwind.id,
      number: 'QT-PRINT-1',
      title: 'Flyers, 500 copies',
      body: '',
      status: 'sent',
      currency: 'USD',
      validUntil: '2099-12-31',
      sentAt: new Date(),
      items: [{ description: 'Print', quantity: 1, unitPriceCents: 10_000 }],
    });
    const workspaceId = await demoWorkspaceId(h.crm.db);
    const other = await h.crm.db('clients').where({ workspace_id: workspaceId }).whereNot({ id: northwind.id }).first<{ id: number }>('id');
    await sentProposal(h.crm.db, { id: other.id, workspace_id: workspaceId }, { number: 'CAMP-OTHER', title: 'Spring campaign elsewhere' });
  });
  after(async function () {
    await h?.close();
  });

  it('finds a proposal by its number and by words of its title, in any case', async function () {
    expect(numbers((await maria.get('/portal/demo/proposals').query({ q: 'camp-17' }).expect(200)).text)).to.deep.equal(['CAMP-17']);
    const byTitle = await maria.get('/portal/demo/proposals').query({ q: 'WAVE 21' }).expect(200);
    expect(numbers(byTitle.text)).to.deep.equal(['CAMP-21']);
    expect(byTitle.text).to.include('1 result for “WAVE 21”.');
    expect(numbers((await maria.get('/portal/demo/quotations').query({ q: 'flyers' }).expect(200)).text)).to.deep.equal(['QT-PRINT-1']);
    expect(numbers((await maria.get('/portal/demo/quotations').query({ q: 'wave' }).expect(200)).text), 'quotations only').to.deep.equal(
      [],
    );
  });

  it('keeps the search on the next page and with the status filter, and never shows another company', async function () {
    const first = await maria.get('/portal/demo/proposals').query({ q: 'spring campaign' }).expect(200);
    expect(numbers(first.text)).to.have.length(20);
    const next = nextHref(first.text);
    expect(next).to.match(/^\/portal\/demo\/proposals\?q=spring\+campaign&after=[\w-]+$/);
    const second = await maria.get(next!).expect(200);
    const found = [...numbers(first.text), ...numbers(second.text)];
    expect(found.sort()).to.deep.equal(Array.from({ length: 23 }, (_, i) => `CAMP-${i + 1}`).sort());
    const open = await maria.get('/portal/demo/proposals').query({ status: 'open', q: 'wave 2' }).expect(200);
    expect(numbers(open.text).sort()).to.deep.equal(['CAMP-2', 'CAMP-20', 'CAMP-21', 'CAMP-22', 'CAMP-23']);
    expect(open.text, 'the status select keeps its choice beside the box').to.match(/<option value="open" selected>/);
    const declined = await maria.get('/portal/demo/proposals').query({ status: 'declined', q: 'wave' }).expect(200);
    expect(numbers(declined.text)).to.deep.equal([]);
    expect(declined.text, 'clearing keeps the filter').to.include('href="/portal/demo/proposals?status=declined">Clear the search</a>');
  });

  it('takes % and _ as the characters they are', async function () {
    expect(numbers((await maria.get('/portal/demo/proposals').query({ q: '10%' }).expect(200)).text)).to.deep.equal(['DISC-1']);
    expect(numbers((await maria.get('/portal/demo/proposals').query({ q: 'file_n' }).expect(200)).text)).to.deep.equal(['SNAKE-1']);
  });

  it('answers a search over 100 characters with a 400 that says so', async function () {
    const long = await maria
      .get('/portal/demo/quotations')
      .query({ q: 'q'.repeat(101) })
      .expect(400);
    expect(long.text).to.include('Search for at most 100 characters.');
  });
});
