// Covers the Help articles staff pages: the workspace's articles (drafts, staff-only ones and
// translations too, never another workspace's), writing one, a translation tied to its original
// (a second translation in the same language refused with 409), editing and publishing it; bad
// input is a 400 with the field's message, a foreign category a 400, another workspace's article
// a 404, a post without its CSRF token a 403.
import { expect } from 'chai';
import { ACME_ADMIN, DEMO_ADMIN, signIn, startCrm, textOf, type CrmTestContext, type SignedIn } from './support.ts';

describe('reference CRM help articles', function () {
  let crm: CrmTestContext;
  let demo: SignedIn;

  before(async function () {
    crm = await startCrm();
    demo = await signIn(crm.app, DEMO_ADMIN);
  });
  after(async function () {
    await crm?.close();
  });

  it("lists the workspace's articles, drafts, staff-only ones and translations included", async function () {
    const text = textOf((await demo.agent.get('/knowledge-base').expect(200)).text);
    expect(text).to.include('How to pay an invoice by bank transfer').and.include('Eine Rechnung per Überweisung bezahlen');
    expect(text).to.include('Paying by direct debit (draft)').and.include('Chasing an unpaid invoice (staff only)');
    expect(text).to.not.include('Studio opening hours');
  });

  it('writes an article, a translation of it, and publishes it', async function () {
    const workspace = (await crm.db('workspaces').where({ slug: 'demo' }).first('id')).id;
    const category = (
      await crm.db('kb_categories').where({ workspace_id: workspace }).whereRaw("names->>'en' = 'Your account'").first('id')
    ).id;
    const created = await demo.agent
      .post('/knowledge-base')
      .type('form')
      .send({
        _csrf: demo.csrf,
        title: 'Changing your email',
        body: '## Steps\n1. Open Account',
        language: 'en',
        categoryId: String(category),
        audience: 'client',
        status: 'draft',
      })
      .expect(303);
    const id = Number(String(created.headers.location).split('/').pop());
    const row = await crm.db('kb_articles').where({ id }).first();
    expect(row).to.include({ title: 'Changing your email', status: 'draft', audience: 'client', language: 'en', category_id: category });
    const translated = await demo.agent
      .post('/knowledge-base')
      .type('form')
      .send({
        _csrf: demo.csrf,
        title: 'E-Mail-Adresse ändern',
        body: 'Konto öffnen.',
        language: 'de',
        translationOf: String(id),
        audience: 'client',
        status: 'published',
      })
      .expect(303);
    const translation = await crm
      .db('kb_articles')
      .where({ id: Number(String(translated.headers.location).split('/').pop()) })
      .first();
    expect(translation.translation_group).to.equal(row.translation_group);
    const again = await demo.agent
      .post('/knowledge-base')
      .type('form')
      .send({
        _csrf: demo.csrf,
        title: 'Noch einmal',
        body: '',
        language: 'de',
        translationOf: String(id),
        audience: 'client',
        status: 'draft',
      })
      .expect(409);
    expect(textOf(again.text)).to.include('already has a translation in German');
    // French is one of the portal's languages too: an article may be written in it.
    const french = await demo.agent
      .post('/knowledge-base')
      .type('form')
      .send({
        _csrf: demo.csrf,
        title: 'Changer d’adresse e-mail',
        body: 'Ouvrez Compte.',
        language: 'fr',
        translationOf: String(id),
        audience: 'client',
        status: 'published',
      })
      .expect(303);
    expect(
      await crm
        .db('kb_articles')
        .where({ id: Number(String(french.headers.location).split('/').pop()) })
        .first('language', 'translation_group'),
    ).to.deep.equal({ language: 'fr', translation_group: row.translation_group });
    await demo.agent
      .post(`/knowledge-base/${id}`)
      .type('form')
      .send({
        _csrf: demo.csrf,
        title: 'Changing your sign-in email',
        body: 'Open Account.',
        language: 'en',
        categoryId: '',
        audience: 'client',
        status: 'published',
      })
      .expect(303);
    expect(await crm.db('kb_articles').where({ id }).first('title', 'status', 'category_id')).to.deep.equal({
      title: 'Changing your sign-in email',
      status: 'published',
      category_id: null,
    });
  });

  it('refuses bad input with the field’s message, a foreign category, another workspace’s article and a missing token', async function () {
    const missing = await demo.agent
      .post('/knowledge-base')
      .type('form')
      .send({ _csrf: demo.csrf, title: '', body: '', language: 'es', audience: 'everyone', status: 'draft' })
      .expect(400);
    const text = textOf(missing.text);
    expect(text).to.include('Enter a title for the article.').and.include('Choose the language the article is written in');
    expect(text).to.include('Choose who reads the article');
    const acmeCategory = (await crm.db('kb_categories').whereRaw("names->>'en' = 'Studio'").first('id')).id;
    await demo.agent
      .post('/knowledge-base')
      .type('form')
      .send({
        _csrf: demo.csrf,
        title: 'X',
        body: '',
        language: 'en',
        categoryId: String(acmeCategory),
        audience: 'client',
        status: 'draft',
      })
      .expect(400);
    const acmeArticle = (await crm.db('kb_articles').where({ title: 'Studio opening hours' }).first('id')).id;
    await demo.agent.get(`/knowledge-base/${acmeArticle}`).expect(404);
    await demo.agent
      .post(`/knowledge-base/${acmeArticle}`)
      .type('form')
      .send({ _csrf: demo.csrf, title: 'Taken', body: '', language: 'en', audience: 'client', status: 'published' })
      .expect(404);
    await demo.agent
      .post('/knowledge-base')
      .type('form')
      .send({ title: 'No token', language: 'en', audience: 'client', status: 'draft' })
      .expect(403);
    const acme = await signIn(crm.app, ACME_ADMIN);
    expect(textOf((await acme.agent.get('/knowledge-base').expect(200)).text))
      .to.include('Studio opening hours')
      .and.not.include('Reset your password');
  });
});
