// The tasks page's search: by title, in any case, on either tab; the tabs, the next-page link and
// marking a task done keep it; `_` taken as the character it is; a search over the limit a 400.
import { expect } from 'chai';
import { csrfFrom, type PortalHarness, signedInDemoClient, startPortalHarness } from '../../../../test/support/portal-harness.ts';

const titles = (html: string) => [...html.matchAll(/<h2 class="task__title">([^<]*)<\/h2>/g)].map((m) => m[1]!);
const href = (html: string, rel: string) => new RegExp(`<a href="([^"]*)" rel="${rel}">`).exec(html)?.[1]?.replaceAll('&amp;', '&') ?? null;

describe('client tasks: search', function () {
  let h: PortalHarness;
  let agent: ReturnType<PortalHarness['agent']>;

  before(async function () {
    this.timeout(180_000);
    h = await startPortalHarness();
    agent = await signedInDemoClient(h, 'maria@northwind.test');
    const ws = await h.crm.db('workspaces').where({ slug: 'demo' }).first('id');
    const client = await h.crm.db('clients').where({ workspace_id: ws.id, name: 'Northwind Traders' }).first('id');
    const task = (title: string, status = 'open') => ({ workspace_id: ws.id, client_id: client.id, title, status });
    // More open tasks of one kind than a page holds (25, TASKS_PAGE_SIZE).
    await h.crm
      .db('tasks')
      .insert([
        ...Array.from({ length: 27 }, (_, i) => task(`Proofread chapter ${i + 1}`)),
        task('Proofread the preface', 'done'),
        task('rename logo_final'),
        task('rename logo-final'),
      ]);
  });
  after(async function () {
    await h?.close();
  });

  it('finds tasks by their title on either tab, and the tabs keep the search', async function () {
    const open = await agent.get('/portal/demo/tasks').query({ q: 'CHAPTER 1' }).expect(200);
    expect(titles(open.text).sort()).to.deep.equal(
      ['Proofread chapter 1', ...Array.from({ length: 10 }, (_, i) => `Proofread chapter 1${i}`)].sort(),
    );
    expect(open.text, 'the done tab keeps the search').to.include('href="/portal/demo/tasks?tab=done&amp;q=CHAPTER+1"');
    const done = await agent.get('/portal/demo/tasks').query({ tab: 'done', q: 'proofread' }).expect(200);
    expect(titles(done.text)).to.deep.equal(['Proofread the preface']);
    expect(done.text, 'a way back to the whole tab').to.include('<a href="/portal/demo/tasks?tab=done">Clear the search</a>');
  });

  it('keeps the search on the next page, and after marking a task done', async function () {
    const first = await agent.get('/portal/demo/tasks').query({ q: 'proofread chapter' }).expect(200);
    const next = href(first.text, 'next');
    expect(next).to.match(/^\/portal\/demo\/tasks\?tab=open&q=proofread\+chapter&after=[\w-]+$/);
    const second = await agent.get(next!).expect(200);
    expect([...titles(first.text), ...titles(second.text)]).to.have.length(27);
    const form = /<form method="post" action="([^"]*\/done)"/.exec(first.text)![1]!;
    expect(first.text, 'the action form carries the search').to.include('<input type="hidden" name="q" value="proofread chapter">');
    const marked = await agent
      .post(form)
      .type('form')
      .send({ _csrf: csrfFrom(first.text), tab: 'open', q: 'proofread chapter' })
      .expect(303);
    expect(marked.headers.location).to.equal('/portal/demo/tasks?tab=open&q=proofread+chapter');
  });

  it('takes _ as the character it is, and says when nothing matches', async function () {
    expect(titles((await agent.get('/portal/demo/tasks').query({ q: 'logo_' }).expect(200)).text)).to.deep.equal(['rename logo_final']);
    const none = await agent.get('/portal/demo/tasks').query({ q: 'no such task' }).expect(200);
    expect(titles(none.text)).to.deep.equal([]);
    expect(none.text).to.include('Nothing matches “no such task”.');
  });

  it('answers a search over 100 characters with a 400 that says so', async function () {
    const long = await agent
      .get('/portal/demo/tasks')
      .query({ q: 't'.repeat(101) })
      .set('Accept-Language', 'de')
      .expect(400);
    expect(long.text).to.include('Suchen Sie nach höchstens 100 Zeichen.');
  });
});
