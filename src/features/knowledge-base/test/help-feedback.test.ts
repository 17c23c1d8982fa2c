// The agency's page of "Was this helpful?" answers (GET /settings/client-portal/help-feedback)
// over HTTP against the reference CRM: two clients of demo answer through their portal and a
// client of acme through theirs; demo's admin sees demo's articles counted (yes, no, the share
// found helpful, the newest answer) most "no" first, never acme's, and acme's admin only acme's;
// an article since deleted in the CRM is "(removed article)"; the period filter (30 / 90 days, all)
// counts only answers inside it; pages go on after the last article without repeating one; a bad
// period or page link is a 400 with its message; in German and French. Who may open it is who may
// open client satisfaction: not signed in, the CRM's sign-in; a workspace member 403; the portal flag off 404;
// and beside a host that gives no titles, each article is named by its id with a note saying why.
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import supertest from 'supertest';
import { bootReferenceCrm, type RunningCrm } from '../../../../plugins/reference-crm/boot.ts';
import {
  csrfFrom,
  flagsFileFor,
  type PortalHarness,
  signedInAgent,
  signedInStaffAgent,
  startPortalHarness,
} from '../../../../test/support/portal-harness.ts';

const PAGE = '/settings/client-portal/help-feedback';
const SESSION_SECRET = 'test-secret-'.padEnd(48, 'x');

describe('help article feedback for the agency', function () {
  let h: PortalHarness;
  let demoId: number;
  let acmeId: number;
  let admin: ReturnType<PortalHarness['agent']>;
  const ids = {} as Record<'reset' | 'quotation' | 'transfer' | 'studio', string>;

  const login = (slug: string, email: string) => h.crm.clientLogins.find((l) => l.workspaceSlug === slug && l.email === email)!;
  const articleId = async (workspaceId: number, title: string) =>
    String((await h.crm.db('kb_articles').where({ workspace_id: workspaceId, title }).first('id')).id);

  async function answer(slug: string, email: string, id: string, helpful: 'yes' | 'no') {
    const agent = await signedInAgent(h.agent(), slug, login(slug, email));
    const page = (await agent.get(`/portal/${slug}/knowledge/${id}`).expect(200)).text;
    await agent
      .post(`/portal/${slug}/knowledge/${id}/helpful`)
      .type('form')
      .send({ _csrf: csrfFrom(page), helpful })
      .expect(303);
  }

  /** The table's rows as [title, no, yes, share], in the page's order. */
  function rowsOf(html: string): string[][] {
    const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
    return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
      [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)]
        .slice(0, 4)
        .map((cell) => cell[1]!.replace(/<span[\s\S]*<\/span>/, '').trim()),
    );
  }

  before(async function () {
    this.timeout(180_000);
    h = await startPortalHarness({ enabledFor: ['demo', 'acme'] });
    demoId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    acmeId = (await h.crm.db('workspaces').where({ slug: 'acme' }).first('id')).id;
    ids.reset = await articleId(demoId, 'Reset your password');
    ids.quotation = await articleId(demoId, 'What a quotation is');
    ids.transfer = await articleId(demoId, 'How to pay an invoice by bank transfer');
    ids.studio = await articleId(acmeId, 'Studio opening hours');
    // Two clients of demo (two companies), and one of acme.
    await answer('demo', 'maria@northwind.test', ids.reset, 'no');
    await answer('demo', 'priya@bluebell.test', ids.reset, 'no');
    await answer('demo', 'maria@northwind.test', ids.quotation, 'yes');
    await answer('demo', 'priya@bluebell.test', ids.quotation, 'no');
    await answer('demo', 'maria@northwind.test', ids.transfer, 'yes');
    const hana = h.crm.clientLogins.find((l) => l.workspaceSlug === 'acme')!;
    await answer('acme', hana.email, ids.studio, 'no');
    admin = await signedInStaffAgent(h, 'demo');
  });
  after(async function () {
    await h?.close();
  });

  it("counts each article's answers of the workspace, most “no” first, with its title, share and newest answer", async function () {
    const html = (await admin.get(PAGE).expect(200)).text;
    expect(html).to.contain('<h1>Help article feedback</h1>');
    expect(rowsOf(html)).to.deep.equal([
      ['Reset your password', '2', '0', '0%'],
      ['What a quotation is', '1', '1', '50%'],
      ['How to pay an invoice by bank transfer', '0', '1', '100%'],
    ]);
    expect(html, "another workspace's article").to.not.contain('Studio opening hours');
    // The navigation links it beside client satisfaction, marked as the current page.
    expect(html).to.match(
      /href="\/settings\/client-portal\/satisfaction">[^<]*<\/a><\/li>\s*<li><a href="\/settings\/client-portal\/help-feedback" aria-current="page">Help article feedback</,
    );
    expect(html).to.contain('Last answer (');

    // Acme's admin: acme's one article, nothing of demo's.
    const acme = await signedInStaffAgent(h, 'acme');
    const theirs = (await acme.get(PAGE).expect(200)).text;
    expect(rowsOf(theirs)).to.deep.equal([['Studio opening hours', '1', '0', '0%']]);
    expect(theirs).to.not.contain('Reset your password');
  });

  it('shows an article deleted in the CRM since as “(removed article)”, with its id, and never names another workspace’s', async function () {
    const [gone] = await h.crm
      .db('kb_articles')
      .insert({ workspace_id: demoId, audience: 'client', status: 'published', language: 'en', title: 'Soon gone', body: 'Gone.' })
      .returning('id');
    const id = String(gone.id);
    await answer('demo', 'maria@northwind.test', id, 'no');
    await h.crm.db('kb_articles').where({ workspace_id: demoId, id: gone.id }).delete();
    try {
      const html = (await admin.get(PAGE).expect(200)).text;
      expect(rowsOf(html).map((row) => row[0])).to.deep.equal([
        'Reset your password',
        '(removed article)',
        'What a quotation is',
        'How to pay an invoice by bank transfer',
      ]);
      expect(html).to.contain(`Id ${id}, no longer in your CRM`).and.not.contain('Soon gone');
      // An answer naming another workspace's article by its id: the CRM gives no title of it here.
      await h.crm.db('portal_knowledge_votes').insert({
        workspace_id: String(demoId),
        article_id: ids.studio,
        client_user_id: randomUUID(),
        helpful: true,
      });
      const crossed = (await admin.get(PAGE).expect(200)).text;
      expect(crossed).to.contain(`Id ${ids.studio}, no longer in your CRM`).and.not.contain('Studio opening hours');
    } finally {
      await h.crm
        .db('portal_knowledge_votes')
        .where({ workspace_id: String(demoId) })
        .whereIn('article_id', [id, ids.studio])
        .delete();
    }
  });

  it('counts only the answers of the period chosen, and refuses a period or page link it does not know with a 400', async function () {
    const day = 24 * 60 * 60 * 1000;
    const old = (days: number, helpful: boolean) => ({
      workspace_id: String(demoId),
      article_id: ids.transfer,
      client_user_id: randomUUID(),
      helpful,
      voted_at: new Date(Date.now() - days * day),
    });
    await h.crm.db('portal_knowledge_votes').insert([old(60, false), old(60, false), old(60, false), old(200, false)]);
    try {
      const month = (await admin.get(`${PAGE}?period=30d`).expect(200)).text;
      expect(rowsOf(month)[2]).to.deep.equal(['How to pay an invoice by bank transfer', '0', '1', '100%']);
      expect(month).to.match(/<option value="30d" selected>the last 30 days<\/option>/);
      const quarter = (await admin.get(`${PAGE}?period=90d`).expect(200)).text;
      expect(rowsOf(quarter)[0]).to.deep.equal(['How to pay an invoice by bank transfer', '3', '1', '25%']);
      const all = (await admin.get(`${PAGE}?period=all`).expect(200)).text;
      expect(rowsOf(all)[0]).to.deep.equal(['How to pay an invoice by bank transfer', '4', '1', '20%']);
      expect(rowsOf((await admin.get(PAGE).expect(200)).text)[0]![1], 'all by default').to.equal('4');
    } finally {
      await h.crm
        .db('portal_knowledge_votes')
        .where({ workspace_id: String(demoId), article_id: ids.transfer })
        .whereNot('voted_at', '>', new Date(Date.now() - 30 * day))
        .delete();
    }
    for (const bad of ['period=7d', 'period=', 'period=%3Cscript%3E', 'period=30d&period=90d']) {
      const res = await admin.get(`${PAGE}?${bad}`).expect(400);
      expect(res.text, bad).to.contain('Choose a period from the list.').and.not.contain('<script>');
    }
    for (const bad of [
      'after=not-a-cursor',
      `after=${Buffer.from('[1,2]').toString('base64url')}`,
      `after=${Buffer.from('[-1,0,"5"]').toString('base64url')}`,
    ]) {
      const res = await admin.get(`${PAGE}?${bad}`).expect(400);
      expect(res.text, bad).to.contain('That page link is not valid.');
    }
    expect((await admin.get(`${PAGE}?period=7d`).set('Accept-Language', 'de').expect(400)).text).to.contain(
      'Wählen Sie einen Zeitraum aus der Liste.',
    );
  });

  it('goes on a page at a time after the last article, none shown twice', async function () {
    // 60 articles (since removed), from 60 “no” down to 1: 50 on the first page, 10 on the next.
    const rows = Array.from({ length: 60 }, (_, i) =>
      Array.from({ length: i + 1 }, () => ({
        workspace_id: String(demoId),
        article_id: `paging-${String(i).padStart(2, '0')}`,
        client_user_id: randomUUID(),
        helpful: false,
      })),
    ).flat();
    await h.crm.db('portal_knowledge_votes').insert(rows);
    try {
      const first = (await admin.get(`${PAGE}?period=90d`).expect(200)).text;
      expect(rowsOf(first)).to.have.length(50);
      expect(rowsOf(first)[0]![1]).to.equal('60');
      const next = /href="([^"]+)" rel="next"/.exec(first)![1]!.replaceAll('&amp;', '&');
      expect(next).to.contain('period=90d');
      const second = (await admin.get(next).expect(200)).text;
      const counts = [...rowsOf(first), ...rowsOf(second)].map((row) => Number(row[1]));
      // 60 paging articles and demo's three, each once, by “no” from the most.
      expect(counts).to.have.length(63);
      expect(counts).to.deep.equal([...counts].sort((a, b) => b - a));
      const removed = [...`${first}${second}`.matchAll(/Id (paging-\d+), no longer/g)].map((match) => match[1]);
      expect(new Set(removed).size).to.equal(60);
      expect(removed).to.have.length(60);
      expect(second).to.not.contain('rel="next"');
      expect(second).to.contain('Back to the first');
    } finally {
      await h.crm
        .db('portal_knowledge_votes')
        .where({ workspace_id: String(demoId) })
        .whereLike('article_id', 'paging-%')
        .delete();
    }
  });

  it('speaks German and French', async function () {
    const de = (await admin.get(PAGE).set('Accept-Language', 'de').expect(200)).text;
    expect(de).to.contain('Rückmeldungen zu Hilfeartikeln').and.contain('<th scope="col">Nein</th>').and.contain('50 %');
    const fr = (await admin.get(PAGE).set('Accept-Language', 'fr').expect(200)).text;
    expect(fr).to.contain('Avis sur les articles d’aide').and.contain('<th scope="col">Non</th>').and.contain('Jugé utile');
  });

  it('is for the same staff as client satisfaction: not signed in to the sign-in, a member 403, the flag off 404', async function () {
    // Not signed in: the CRM's own guard sends them to its sign-in, as for client satisfaction
    // (the portal's own check behind it answers 401: src/features/admin/test/guards.test.ts).
    for (const path of ['/settings/client-portal/satisfaction', PAGE]) {
      const res = await h.agent().get(path).expect(303);
      expect(res.headers.location, path).to.match(/^\/signin/);
    }
    const member = await signedInStaffAgent(h, 'demo', 'member');
    await member.get('/settings/client-portal/satisfaction').expect(403);
    await member.get(PAGE).expect(403);
    const flagOff: RunningCrm = await bootReferenceCrm({
      databaseUrl: h.database.url,
      port: 0,
      sessionSecret: SESSION_SECRET,
      flagsFile: flagsFileFor(['acme']),
      quiet: true,
      seedDemoData: false,
    });
    try {
      const staff = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
      const agent = supertest.agent(flagOff.url);
      const page = await agent.get('/signin').expect(200);
      await agent
        .post('/signin')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: staff.email, password: staff.password })
        .expect(303);
      await agent.get('/settings/client-portal/satisfaction').expect(404);
      await agent.get(PAGE).expect(404);
    } finally {
      await flagOff.close();
    }
  });

  it('names each article by its id, with a note, beside a host that gives no titles', async function () {
    const plain = await bootReferenceCrm({
      databaseUrl: h.database.url,
      port: 0,
      sessionSecret: SESSION_SECRET,
      flagsFile: flagsFileFor(['demo']),
      quiet: true,
      seedDemoData: false,
      hostAdapter: (adapter) => {
        const { titles: _titles, ...knowledgeBase } = adapter.knowledgeBase!;
        return { ...adapter, knowledgeBase };
      },
    });
    try {
      const staff = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
      const agent = supertest.agent(plain.url);
      const page = await agent.get('/signin').expect(200);
      await agent
        .post('/signin')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: staff.email, password: staff.password })
        .expect(303);
      const html = (await agent.get(PAGE).expect(200)).text;
      expect(html).to.contain('Your CRM does not tell the portal the articles');
      expect(rowsOf(html).map((row) => row[0])).to.deep.equal([
        `Article ${ids.reset}`,
        `Article ${ids.quotation}`,
        `Article ${ids.transfer}`,
      ]);
      expect(html).to.not.contain('Reset your password').and.not.contain('(removed article)');
    } finally {
      await plain.close();
    }
  });

  it('is not offered beside a host without a knowledge base: no link, and a 404', async function () {
    const none = await bootReferenceCrm({
      databaseUrl: h.database.url,
      port: 0,
      sessionSecret: SESSION_SECRET,
      flagsFile: flagsFileFor(['demo']),
      quiet: true,
      seedDemoData: false,
      hostAdapter: ({ knowledgeBase: _kb, ...adapter }) => adapter,
    });
    try {
      const staff = h.crm.staffLogins.staff.find((s) => s.workspaceSlug === 'demo' && s.role === 'admin')!;
      const agent = supertest.agent(none.url);
      const page = await agent.get('/signin').expect(200);
      await agent
        .post('/signin')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: staff.email, password: staff.password })
        .expect(303);
      expect((await agent.get('/settings/client-portal/satisfaction').expect(200)).text).to.not.contain('help-feedback');
      await agent.get(PAGE).expect(404);
    } finally {
      await none.close();
    }
  });
});
