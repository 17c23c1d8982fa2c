// The knowledge base over HTTP against the reference CRM: published client articles by category
// (never drafts, internal articles or another workspace's), a search of title and body words in
// any case with its "N results" line, keyset pages, an article's body rendered as escaped text,
// the reader's language with the workspace's and then any as fallbacks; the section's switch and
// permission (404, suggestions included); suggestions on the new-ticket form from a subject's
// words, without the common ones of English, German and French; malformed queries refused with a message.
import { expect } from 'chai';
import {
  csrfFrom,
  signedInAgent,
  startPortalHarness,
  type PortalHarness,
  setPortalSettings,
  demoLogin,
} from '../../../../test/support/portal-harness.ts';
import { knowledgePersonalData } from '../personal-data.ts';
import { suggestionWords } from '../words.ts';

describe('client knowledge base', function () {
  let h: PortalHarness;
  let maria: ReturnType<PortalHarness['agent']>;
  let workspaceId: number;
  let userId: string;
  const MARIA = 'maria@northwind.test';

  const login = (email: string) => demoLogin(h, email);
  const articleId = async (title: string) =>
    (await h.crm.db('kb_articles').where({ workspace_id: workspaceId, title }).first('id')).id as number;
  const setSettings = (values: Record<string, unknown>) => setPortalSettings(h, workspaceId, values);
  const readIn = (locale: string | null) => h.crm.db('client_users').where({ id: userId }).update({ locale });

  before(async function () {
    this.timeout(120_000); // Booting the CRM on a fresh embedded database takes a while on a busy machine.
    h = await startPortalHarness();
    maria = await signedInAgent(h.agent(), 'demo', login(MARIA));
    workspaceId = (await h.crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    userId = (
      await h.crm
        .db('client_users')
        .where({ workspace_id: String(workspaceId), email: MARIA })
        .first('id')
    ).id;
  });
  after(async function () {
    await h.close();
  });
  afterEach(async function () {
    await readIn(null);
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
  });

  it('lists the published client articles by title with their topics, as Help in the navigation', async function () {
    const html = (await maria.get('/portal/demo/knowledge').expect(200)).text;
    expect(html).to.contain('href="/portal/demo/knowledge"').and.contain('>Help</a>');
    const titles = [
      'How to pay an invoice by bank transfer',
      'Reset your password',
      'Sharing files with your agency',
      'What a quotation is',
    ];
    const at = titles.map((title) => html.indexOf(`<span class="record__title">${title}</span>`));
    expect(
      at.every((i) => i > 0),
      'every published article',
    ).to.equal(true);
    expect(
      [...at].sort((a, b) => a - b),
      'by title',
    ).to.deep.equal(at);
    expect(html, 'a draft').to.not.contain('direct debit');
    expect(html, 'an internal article').to.not.contain('Chasing an unpaid invoice');
    expect(html, "another workspace's").to.not.contain('Studio opening hours');
    expect(html, 'one translation of each').to.not.contain('Passwort zurücksetzen');
    expect(html).to.contain('Billing and payments <span class="knowledge-categories__count">(1 article)</span>');
    expect(html).to.contain('Your account <span class="knowledge-categories__count">(2 articles)</span>');
    expect(html, 'the opening words').to.contain('You can pay any open invoice by bank transfer from your own bank.');
  });

  it('narrows to a topic, and refuses an unknown one', async function () {
    const category = await h.crm
      .db('kb_categories')
      .where({ workspace_id: workspaceId })
      .whereRaw("names->>'en' = 'Your account'")
      .first('id');
    const html = (await maria.get(`/portal/demo/knowledge?category=${category.id}`).expect(200)).text;
    expect(html)
      .to.contain('<h1 id="knowledge-title">Your account</h1>')
      .and.contain('Reset your password')
      .and.not.contain('What a quotation is');
    expect(html).to.contain(`<a href="/portal/demo/knowledge?category=${category.id}" aria-current="page">`);
    await maria.get('/portal/demo/knowledge?category=999999').expect(404);
  });

  it('searches words of titles and bodies in any case, with the results line, and refuses a malformed query', async function () {
    const found = (await maria.get('/portal/demo/knowledge?q=IBAN%20transf').expect(200)).text;
    expect(found).to.contain('1 result for “IBAN transf”.').and.contain('How to pay an invoice by bank transfer');
    expect(found).to.not.contain('Reset your password');
    const body = (await maria.get('/portal/demo/knowledge?q=spam').expect(200)).text;
    expect(body, 'a word of the body only').to.contain('Reset your password').and.not.contain('What a quotation is');
    const none = (await maria.get('/portal/demo/knowledge?q=refund').expect(200)).text;
    expect(none).to.contain('Nothing matches “refund”.');
    const punctuation = (await maria.get('/portal/demo/knowledge?q=%3F%21').expect(200)).text;
    expect(punctuation).to.contain('Nothing matches “?!”.');
    const tooLong = await maria.get(`/portal/demo/knowledge?q=${'x'.repeat(101)}`).expect(400);
    expect(tooLong.text).to.contain('Search for at most 100 characters.');
    await maria.get('/portal/demo/knowledge?after=not%20a%20cursor').expect(400);
    await maria.get('/portal/demo/knowledge?category=%3Cscript%3E').expect(400);
  });

  it('pages by title, a page at a time', async function () {
    const category = await h.crm.db('kb_categories').where({ workspace_id: workspaceId }).first('id');
    const rows = Array.from({ length: 25 }, (_, i) => ({
      workspace_id: workspaceId,
      category_id: category.id,
      audience: 'client',
      status: 'published',
      language: 'en',
      title: `Zz paging article ${String(i).padStart(2, '0')}`,
      body: 'Paging.',
    }));
    await h.crm.db('kb_articles').insert(rows);
    try {
      const first = (await maria.get('/portal/demo/knowledge?q=paging').expect(200)).text;
      expect(first)
        .to.contain('The first 20 results for “paging”')
        .and.contain('Zz paging article 19')
        .and.not.contain('Zz paging article 20');
      const next = /href="([^"]+)" rel="next"/.exec(first)![1]!.replaceAll('&amp;', '&');
      const second = (await maria.get(next).expect(200)).text;
      expect(second).to.contain('Zz paging article 20').and.contain('Zz paging article 24').and.not.contain('Zz paging article 19');
      expect(second).to.not.contain('rel="next"');
    } finally {
      await h.crm.db('kb_articles').where({ workspace_id: workspaceId }).where('title', 'like', 'Zz paging%').delete();
    }
  });

  it("shows an article's body as text: headings, steps, lists and quotes, and never the host's markup", async function () {
    const id = await articleId('How to pay an invoice by bank transfer');
    const html = (await maria.get(`/portal/demo/knowledge/${id}`).expect(200)).text;
    expect(html).to.contain('<h1 id="article-title">How to pay an invoice by bank transfer</h1>');
    expect(html).to.contain('<h2>What you need</h2>').and.contain('<ol><li>Open the invoice in the portal and note the amount due.</li>');
    expect(html).to.contain('<blockquote><p>A transfer takes one to three working days to reach us.</p></blockquote>');
    expect(html, 'markdown marks dropped').to.contain('by bank transfer from').and.not.contain('**bank transfer**');
    const [hostile] = await h.crm
      .db('kb_articles')
      .insert({
        workspace_id: workspaceId,
        audience: 'client',
        status: 'published',
        language: 'en',
        title: 'Markup <img src=x onerror=alert(1)>',
        body: '<script>alert(1)</script>\n\n[a link](javascript:alert(1))',
      })
      .returning('id');
    try {
      const page = (await maria.get(`/portal/demo/knowledge/${hostile.id}`).expect(200)).text;
      expect(page).to.not.contain('<script>alert').and.not.contain('<img src=x').and.not.contain('javascript:');
      expect(page).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;').and.contain('<p>a link</p>');
    } finally {
      await h.crm.db('kb_articles').where({ workspace_id: workspaceId, id: hostile.id }).delete();
    }
  });

  it('asks "Was this helpful?" once per person and article: an answer kept, changeable, by PRG or htmx, in their data', async function () {
    const id = String(await articleId('How to pay an invoice by bank transfer'));
    const url = `/portal/demo/knowledge/${id}`;
    const votes = () => h.crm.db('portal_knowledge_votes').where({ workspace_id: String(workspaceId), article_id: id });
    try {
      const page = (await maria.get(url).expect(200)).text;
      expect(page).to.contain('Was this article helpful?').and.contain('aria-pressed="false"').and.not.contain('Thank you');
      const yes = await maria
        .post(`${url}/helpful`)
        .type('form')
        .send({ _csrf: csrfFrom(page), helpful: 'yes' })
        .expect(303);
      expect(yes.headers.location).to.equal(`${url}#helpful`);
      const after = (await maria.get(url).expect(200)).text;
      expect(after)
        .to.contain('Thank you: you found this helpful.')
        .and.match(/value="yes" class="button" aria-pressed="true"/);
      // Changed with htmx: the same post, followed to the article, its answer part swapped in.
      const changed = await maria
        .post(`${url}/helpful`)
        .set('HX-Request', 'true')
        .type('form')
        .send({ _csrf: csrfFrom(after), helpful: 'no' })
        .redirects(1)
        .expect(200);
      expect(changed.text).to.contain('id="helpful"').and.contain('you found this not helpful');
      expect((await votes()).map((v) => [v.client_user_id, v.helpful])).to.deep.equal([[userId, false]]);

      const bad = await maria
        .post(`${url}/helpful`)
        .type('form')
        .send({ _csrf: csrfFrom(after), helpful: 'maybe' })
        .expect(400);
      expect(bad.text).to.contain('Choose yes or no.');
      await maria
        .post('/portal/demo/knowledge/999999/helpful')
        .type('form')
        .send({ _csrf: csrfFrom(after), helpful: 'yes' })
        .expect(404);
      const draft = await articleId('Paying by direct debit (draft)');
      await maria
        .post(`/portal/demo/knowledge/${draft}/helpful`)
        .type('form')
        .send({ _csrf: csrfFrom(after), helpful: 'yes' })
        .expect(404);
      await maria.post(`${url}/helpful`).type('form').send({ helpful: 'yes' }).expect(403);

      const hook = knowledgePersonalData({ db: h.crm.db });
      const exported = await hook.export({ workspaceId: String(workspaceId), user: { id: userId } } as Parameters<typeof hook.export>[0]);
      expect(JSON.stringify(exported.entries)).to.contain(`"articleId":"${id}"`).and.contain('"helpful":false');
    } finally {
      await votes().delete();
    }
  });

  it('answers 404 for a draft, an internal article, another workspace’s, an unknown id and a malformed one', async function () {
    await maria.get(`/portal/demo/knowledge/${await articleId('Paying by direct debit (draft)')}`).expect(404);
    await maria.get(`/portal/demo/knowledge/${await articleId('Chasing an unpaid invoice (staff only)')}`).expect(404);
    const acme = await h.crm.db('kb_articles').where({ title: 'Studio opening hours' }).first('id');
    await maria.get(`/portal/demo/knowledge/${acme.id}`).expect(404);
    await maria.get('/portal/demo/knowledge/999999').expect(404);
    await maria.get('/portal/demo/knowledge/not%20an%20id').expect(404);
  });

  it("reads each article in the reader's language, then the workspace's, then any, marking its language", async function () {
    await readIn('de');
    const list = (await maria.get('/portal/demo/knowledge').expect(200)).text;
    expect(list)
      .to.contain('<h1 id="knowledge-title">Hilfe</h1>')
      .and.contain('Passwort zurücksetzen')
      .and.contain('Rechnungen und Zahlungen');
    expect(list, 'no German translation: the English one, marked').to.match(
      /<li class="record knowledge-article" lang="en">\s*<a class="record__link" href="[^"]+"><span class="record__title">Sharing files with your agency/,
    );
    expect(list).to.not.contain('Reset your password');
    // The English article's address, read in German: its German translation.
    const page = (await maria.get(`/portal/demo/knowledge/${await articleId('Reset your password')}`).expect(200)).text;
    expect(page).to.contain('<h1 id="article-title">Passwort zurücksetzen</h1>');
    // A reader of neither (no translation in their language, the workspace's is German).
    await readIn(null);
    await setSettings({ default_locale: 'de' });
    const workspaceLanguage = (await maria.get('/portal/demo/knowledge').set('Accept-Language', 'fr').expect(200)).text;
    expect(workspaceLanguage).to.contain('Eine Rechnung per Überweisung bezahlen');
  });

  it('does not exist while the switch is off, nor for a person without the permission; a billing role has it', async function () {
    const id = await articleId('Reset your password');
    await setSettings({ show_knowledge_base: false });
    await maria.get('/portal/demo/knowledge').expect(404);
    await maria.get(`/portal/demo/knowledge/${id}`).expect(404);
    await maria.get('/portal/demo/knowledge/suggestions?subject=password').expect(404);
    expect((await maria.get('/portal/demo/').expect(200)).text).to.not.contain('/portal/demo/knowledge"');
    await h.crm.db('workspace_client_portal_settings').delete();
    await h.crm.portal.workspaceChanged(String(workspaceId));
    // Ben has the Billing role, which holds the knowledge base like every built-in role.
    const ben = await signedInAgent(h.agent(), 'demo', login('ben@northwind.test'));
    await ben.get(`/portal/demo/knowledge/${id}`).expect(200);
    await h.crm
      .db('client_users')
      .where({ id: userId })
      .update({ denied_permissions: ['knowledge'] });
    try {
      await maria.get('/portal/demo/knowledge').expect(404);
      await maria.get('/portal/demo/knowledge/suggestions?subject=password').expect(404);
    } finally {
      await h.crm.db('client_users').where({ id: userId }).update({ denied_permissions: [] });
    }
  });

  describe('suggestions on the new-ticket form', function () {
    beforeEach(async function () {
      await setSettings({ show_tickets: true });
    });

    it('matches a subject on the words that say what it is about, in each language the portal speaks', function () {
      // The common words of English, German and French would match nearly every article.
      expect(suggestionWords('How do I pay the invoice by bank transfer?')).to.deep.equal(['pay', 'invoice', 'bank', 'transfer']);
      expect(suggestionWords('Wie kann ich die Rechnung bezahlen?')).to.deep.equal(['rechnung', 'bezahlen']);
      expect(suggestionWords('Comment payer une facture par virement depuis votre portail ?')).to.deep.equal([
        'payer',
        'facture',
        'virement',
        'portail',
      ]);
    });

    it('asks as the subject is typed, into a polite live region', async function () {
      const form = (await maria.get('/portal/demo/tickets/new').expect(200)).text;
      expect(form).to.contain(
        'hx-get="/portal/demo/knowledge/suggestions" hx-trigger="keyup changed delay:400ms" hx-target="#ticket-suggestions"',
      );
      expect(form).to.contain('<div id="ticket-suggestions" aria-live="polite"></div>');
      await setSettings({ show_tickets: true, show_knowledge_base: false });
      const without = (await maria.get('/portal/demo/tickets/new').expect(200)).text;
      expect(without, 'no suggestions where the section is off')
        .to.not.contain('ticket-suggestions')
        .and.not.contain('/knowledge/suggestions');
    });

    it('lists up to five matching articles opening in a new tab, said to screen readers, and nothing for common words', async function () {
      const fragment = await maria
        .get('/portal/demo/knowledge/suggestions?subject=How%20do%20I%20reset%20my%20PASSWORD%3F')
        .set('HX-Request', 'true')
        .set('HX-Request-Type', 'partial')
        .expect(200);
      expect(fragment.text, 'a fragment, not a page').to.not.contain('<html');
      const reset = await articleId('Reset your password');
      expect(fragment.text).to.contain(
        `<a href="/portal/demo/knowledge/${reset}" target="_blank" rel="noopener">Reset your password<span class="visually-hidden"> (opens in a new tab)</span></a>`,
      );
      expect(fragment.text).to.not.contain('What a quotation is');
      const common = await maria
        .get('/portal/demo/knowledge/suggestions?subject=how%20do%20I')
        .set('HX-Request', 'true')
        .set('HX-Request-Type', 'partial')
        .expect(200);
      expect(common.text.trim()).to.equal('');
      const many = (
        await maria.get('/portal/demo/knowledge/suggestions?subject=invoice%20password%20files%20quotation%20transfer').expect(200)
      ).text;
      expect(many.match(/target="_blank"/g)?.length).to.equal(4);
      await maria.get(`/portal/demo/knowledge/suggestions?subject=${'x'.repeat(201)}`).expect(400);
    });
  });
});
