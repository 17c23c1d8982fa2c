// The sign-in page's language chooser: a visitor picks English, Deutsch or Français before signing
// in; the choice is kept on the browser (a cookie, no session), answered with post/redirect/get,
// and after sign-in the person's saved language still wins where they have one.
import { expect } from 'chai';
import { cookieNamed, csrfFrom, type PortalHarness, startPortalHarness, demoLogin } from '../../../../test/support/portal-harness.ts';

describe('choosing the language on the sign-in page', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let demoId: string;

  before(async function () {
    h = await startPortalHarness();
    demoId = (await h.crm.adapter.workspaces.findBySlug('demo'))!.id;
  });
  after(async function () {
    await h?.close();
  });
  beforeEach(async function () {
    await h.crm.db('portal_rate_limits').delete();
    await h.crm.db('client_users').where({ workspace_id: demoId }).update({ locale: null });
  });

  const login = (email: string) => demoLogin(h, email);

  /** A browser that asked for English and chose German on the sign-in page. */
  async function choseGerman(next?: string) {
    const agent = h.agent();
    const page = await agent
      .get(`/portal/demo/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`)
      .set('Accept-Language', 'en')
      .expect(200);
    const chosen = await agent
      .post('/portal/demo/sign-in/language')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), locale: 'de', ...(next ? { next } : {}) })
      .expect(303);
    return { agent, chosen };
  }

  it('offers each language named in itself, with its lang attribute, the current one marked', async function () {
    const page = await h.agent().get('/portal/demo/sign-in').set('Accept-Language', 'en').expect(200);
    const chooser = /<form[^>]*action="\/portal\/demo\/sign-in\/language"[\s\S]*?<\/form>/.exec(page.text)?.[0] ?? '';
    expect(chooser).to.match(/<legend>Language<\/legend>/);
    expect(chooser).to.match(/<button type="submit" name="locale" value="en" lang="en"[^>]*aria-current="true"[^>]*>English<\/button>/);
    expect(chooser).to.match(/<button type="submit" name="locale" value="de" lang="de"[^>]*>Deutsch<\/button>/);
    expect(chooser).to.match(/<button type="submit" name="locale" value="fr" lang="fr"[^>]*>Français<\/button>/);
  });

  it('answers a choice with a redirect to the sign-in page, then shows it in that language', async function () {
    const { agent, chosen } = await choseGerman('/portal/demo/invoices');
    expect(chosen.headers.location).to.equal(`/portal/demo/sign-in?next=${encodeURIComponent('/portal/demo/invoices')}`);
    expect(cookieNamed(chosen, 'portal_lang')).to.match(
      /^portal_lang=de; Max-Age=\d+; Path=\/portal; Expires=[^;]+; HttpOnly; SameSite=Lax$/,
    );
    // Choosing a language starts no session: a visitor who is not signed in has none.
    expect(cookieNamed(chosen, 'portal.sid')).to.equal(undefined);
    const after = await agent.get(chosen.headers.location!).set('Accept-Language', 'en').expect(200);
    expect(after.text).to.contain('<html lang="de"');
    expect(after.text).to.contain('<h1 id="sign-in-title">Anmelden</h1>');
    expect(after.text).to.match(/value="de" lang="de"[^>]*aria-current="true"/);
    expect(after.text).to.contain('name="next" value="/portal/demo/invoices"');
  });

  it('refuses a language it does not offer with a 400 the person can read, keeping the page as it was', async function () {
    const agent = h.agent();
    const page = await agent.get('/portal/demo/sign-in').set('Accept-Language', 'en').expect(200);
    const refused = await agent
      .post('/portal/demo/sign-in/language')
      .set('Accept-Language', 'en')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), locale: 'xx' })
      .expect(400);
    expect(refused.text).to.contain('Choose one of the languages listed.');
    expect(refused.text).to.contain('<html lang="en"');
    expect(cookieNamed(refused, 'portal_lang')).to.equal(undefined);
  });

  it('refuses a choice without the form token', async function () {
    await h.agent().post('/portal/demo/sign-in/language').type('form').send({ locale: 'de' }).expect(403);
  });

  it('keeps the chosen language after sign-in for a person who saved none', async function () {
    const { agent } = await choseGerman();
    const page = await agent.get('/portal/demo/sign-in').expect(200);
    const maria = login('maria@northwind.test');
    await agent
      .post('/portal/demo/sign-in/password')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: maria.email, password: maria.password })
      .expect(303);
    const account = await agent.get('/portal/demo/account').set('Accept-Language', 'en').expect(200);
    expect(account.text).to.contain('<html lang="de"');
  });

  it('lets the person’s saved language win after sign-in', async function () {
    const maria = login('maria@northwind.test');
    await h.crm.db('client_users').where({ workspace_id: demoId, email: maria.email }).update({ locale: 'fr' });
    const { agent } = await choseGerman();
    const page = await agent.get('/portal/demo/sign-in').expect(200);
    await agent
      .post('/portal/demo/sign-in/password')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), email: maria.email, password: maria.password })
      .expect(303);
    const account = await agent.get('/portal/demo/account').set('Accept-Language', 'en').expect(200);
    expect(account.text).to.contain('<html lang="fr"');
  });
});
