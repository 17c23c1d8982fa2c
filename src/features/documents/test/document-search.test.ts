// The documents page's search: by file name, in any case, over what the agency shares and what the
// client uploaded; kept by the next-page link and the record filter; `%` taken as the character it
// is; nothing found said plainly in each list; a search over the limit a 400.
import { expect } from 'chai';
import { type PortalHarness, signedInDemoClient, startPortalHarness } from '../../../../test/support/portal-harness.ts';

/** The file names of the shared list and of the uploads list, in their order. */
function lists(html: string) {
  const cut = html.indexOf('id="uploads-list"');
  const names = (part: string) => [...part.matchAll(/ download="([^"]*)"/g)].map((m) => m[1]!);
  return { shared: names(cut < 0 ? html : html.slice(0, cut)), uploads: cut < 0 ? [] : names(html.slice(cut)) };
}
const nextHref = (html: string) => /<a href="([^"]*)" rel="next">/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? null;

describe('documents: search', function () {
  let h: PortalHarness;
  let maria: ReturnType<PortalHarness['agent']>;
  let proposalId: number;

  before(async function () {
    this.timeout(180_000);
    h = await startPortalHarness();
    maria = await signedInDemoClient(h, 'maria@northwind.test');
    const db = h.crm.db;
    const workspace = await db('workspaces').where({ slug: 'demo' }).first('id');
    const client = await db('clients').where({ workspace_id: workspace.id, name: 'Northwind Traders' }).first('id');
    const user = await db('client_users')
      .where({ workspace_id: String(workspace.id), email: 'maria@northwind.test' })
      .first('id');
    proposalId = (await db('proposals').where({ workspace_id: workspace.id, client_id: client.id }).first('id')).id;
    const shared = (filename: string, linked: boolean) => ({
      workspace_id: workspace.id,
      client_id: client.id,
      filename,
      content_type: 'application/pdf',
      size_bytes: 5,
      content: Buffer.from('%PDF-'),
      shared_with_client: true,
      ...(linked ? { record_type: 'proposal', record_id: proposalId } : {}),
    });
    // More of one name than the shared list's page (25), half of them linked to a proposal.
    await db('documents').insert([
      ...Array.from({ length: 30 }, (_, i) => shared(`Floor plan ${i + 1}.pdf`, i % 2 === 0)),
      shared('Budget 100% final.pdf', false),
      shared('Budget 1000 draft.pdf', false),
    ]);
    const upload = (filename: string) => ({
      workspace_id: String(workspace.id),
      client_id: String(client.id),
      client_user_id: user.id,
      uploader_name: 'Maria García',
      file_id: '00000000-0000-4000-8000-000000000000',
      filename,
      content_type: 'application/pdf',
      size_bytes: 5,
    });
    await db('client_uploads').insert([upload('Signed floor plan.pdf'), upload('Tax receipt.pdf')]);
  });
  after(async function () {
    await h?.close();
  });

  it("finds shared documents and the client's uploads by file name, in any case", async function () {
    const found = lists((await maria.get('/portal/demo/documents').query({ q: 'FLOOR PLAN 1' }).expect(200)).text);
    expect(found.shared.sort()).to.deep.equal(['Floor plan 1.pdf', ...Array.from({ length: 10 }, (_, i) => `Floor plan 1${i}.pdf`)].sort());
    expect(found.uploads, 'the uploads searched too').to.deep.equal([]);
    const uploads = lists((await maria.get('/portal/demo/documents').query({ q: 'floor plan' }).expect(200)).text).uploads;
    expect(uploads).to.deep.equal(['Signed floor plan.pdf']);
  });

  it('keeps the search on the next page and with the record filter', async function () {
    const first = await maria.get('/portal/demo/documents').query({ q: 'floor plan' }).expect(200);
    const next = nextHref(first.text);
    expect(next).to.match(/^\/portal\/demo\/documents\?q=floor\+plan&after=[\w-]+$/);
    const second = await maria.get(next!).expect(200);
    expect([...lists(first.text).shared, ...lists(second.text).shared]).to.have.length(30);
    const record = `proposal:${proposalId}`;
    const linked = await maria.get('/portal/demo/documents').query({ record, q: 'plan' }).expect(200);
    expect(lists(linked.text).shared, 'the linked half').to.have.length(15);
    expect(linked.text, 'clearing keeps the record').to.include(
      `<a href="/portal/demo/documents?record=proposal%3A${proposalId}">Clear the search</a>`,
    );
  });

  it('takes % as the character it is, and says when nothing matches in each list', async function () {
    expect(lists((await maria.get('/portal/demo/documents').query({ q: '100%' }).expect(200)).text).shared).to.deep.equal([
      'Budget 100% final.pdf',
    ]);
    const none = await maria.get('/portal/demo/documents').query({ q: 'no-such-file' }).expect(200);
    expect(lists(none.text)).to.deep.equal({ shared: [], uploads: [] });
    expect(none.text).to.include('Nothing matches “no-such-file”.');
    expect(none.text).to.include('None of your uploads is named like “no-such-file”.');
  });

  it('answers a search over 100 characters with a 400 that says so', async function () {
    const long = await maria
      .get('/portal/demo/documents')
      .query({ q: 'd'.repeat(101) })
      .expect(400);
    expect(long.text).to.include('Search for at most 100 characters.');
  });
});
