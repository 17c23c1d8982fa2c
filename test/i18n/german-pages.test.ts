// The main client pages rendered in German carry no English left behind: sign-in (and its
// validation messages, through the per-locale zod error map), dashboard, account, the sections, a
// 404 page; and the emails to a German client (code, reset, invitation) are in German.
import { expect } from 'chai';
import { csrfFrom, postPasswordSignIn, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

/** Words of the English interface (never of the seeded data) that must not appear on a German page. */
const ENGLISH = [
  'Sign in', 'Sign out', 'Your account', 'Profile', 'Save', 'Password', 'Dashboard', 'Invoices', 'Proposals',
  'Messages', 'Enter your', 'Choose', 'We could not', 'Page not found', 'Skip to content', 'Where you are signed in',
];

/** The visible text of a page: no tags, no attribute values, entities decoded enough for matching. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/gi, ' ')
    .replace(/\s+/g, ' ');
}

function expectNoEnglish(html: string, label: string) {
  const text = visibleText(html);
  for (const word of ENGLISH) expect(text, `${label} still says "${word}"`).to.not.contain(word);
}

describe('the portal in German', function () {
  this.timeout(180_000);
  let h: PortalHarness;

  before(async () => {
    h = await startPortalHarness();
  });
  after(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    await h.crm.db('portal_rate_limits').delete();
    await h.afterRepeatWindow();
    h.smtp.clear();
  });

  const maria = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;

  it('sign-in and its validation messages', async () => {
    const agent = h.agent();
    const page = await agent.get('/portal/demo/sign-in').set('Accept-Language', 'de').expect(200);
    expectNoEnglish(page.text, 'sign-in');
    const invalid = await agent.post('/portal/demo/sign-in/password').set('Accept-Language', 'de').type('form').send({ _csrf: csrfFrom(page.text), email: 'not-an-email', password: '' });
    expect(invalid.status).to.equal(400);
    expect(invalid.text).to.contain('Geben Sie eine gültige E-Mail-Adresse ein');
    expectNoEnglish(invalid.text, 'sign-in with errors');
  });

  it('the signed-in pages, the account page with its errors, and a 404', async () => {
    const agent = h.agent();
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).update({ locale: 'de' });
    try {
      expect((await postPasswordSignIn(agent, 'demo', maria())).status).to.equal(303);
      for (const path of ['/', '/account', '/proposals', '/invoices', '/tasks', '/documents', '/messages']) {
        const res = await agent.get(`/portal/demo${path}`);
        expect(res.status, path).to.equal(200);
        expect(res.text, path).to.contain('lang="de"');
        expectNoEnglish(res.text, path);
      }
      const account = await agent.get('/portal/demo/account').expect(200);
      const invalid = await agent.post('/portal/demo/account/profile').type('form').send({ _csrf: csrfFrom(account.text), name: '', phone: 'abc' }).expect(400);
      expect(invalid.text).to.contain('Geben Sie Ihren Namen ein.');
      expectNoEnglish(invalid.text, 'account with errors');
      const saved = await agent.post('/portal/demo/account/profile').type('form').send({ _csrf: csrfFrom(account.text), name: 'Maria García', phone: '' }).expect(303);
      const notice = await agent.get(saved.headers.location!).expect(200);
      expect(notice.text).to.contain('Ihr Profil ist gespeichert.');
      const missing = await agent.get('/portal/demo/nowhere').expect(404);
      expect(missing.text).to.contain('Diese Seite konnten wir nicht finden.');
      expectNoEnglish(missing.text, '404');
    } finally {
      await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).update({ locale: null });
    }
  });

  it('emails a German client in German: the code and the reset link', async () => {
    const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
    await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).update({ locale: 'de' });
    try {
      const agent = h.agent();
      // The page is English (no Accept-Language): the client's own choice decides the email.
      const page = await agent.get('/portal/demo/sign-in').expect(200);
      await agent.post('/portal/demo/sign-in/code').type('form').send({ _csrf: csrfFrom(page.text), email: maria().email }).expect(200);
      const code = await h.smtp.waitForMessage((m) => m.to.includes(maria().email) && /Anmeldecode/.test(m.subject), 15_000);
      expect(code.subject).to.match(/^Ihr Anmeldecode für /);
      // Compared without whitespace: the capture's quoted-printable decoding drops a space at a soft line break.
      expect(code.text.replace(/\s+/g, '')).to.contain('WennSieihnnichtangeforderthaben');

      const forgot = await agent.get('/portal/demo/password/forgot').expect(200);
      await agent.post('/portal/demo/password/forgot').type('form').send({ _csrf: csrfFrom(forgot.text), email: maria().email });
      const reset = await h.smtp.waitForMessage((m) => m.to.includes(maria().email) && /zurücksetzen/.test(m.subject), 15_000);
      expect(reset.text.replace(/\s+/g, '')).to.contain('WählenSiehiereinneuesPasswort');
    } finally {
      await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).update({ locale: null });
    }
  });

  it('a client who chose no language gets the code in the language of the page they asked from', async () => {
    const agent = h.agent();
    // The same request from an English page gets an English email: the page decides, nothing else.
    const english = await agent.get('/portal/demo/sign-in').expect(200);
    await agent.post('/portal/demo/sign-in/code').type('form').send({ _csrf: csrfFrom(english.text), email: maria().email }).expect(200);
    expect((await h.smtp.waitForMessage((m) => m.to.includes(maria().email), 15_000)).subject).to.match(/^Your sign-in code/);
    h.smtp.clear();
    await h.afterRepeatWindow();
    const page = await agent.get('/portal/demo/sign-in').set('Accept-Language', 'de').expect(200);
    await agent.post('/portal/demo/sign-in/code').set('Accept-Language', 'de').type('form').send({ _csrf: csrfFrom(page.text), email: maria().email }).expect(200);
    const code = await h.smtp.waitForMessage((m) => m.to.includes(maria().email) && /Anmeldecode/.test(m.subject), 15_000);
    expect(code.subject).to.match(/^Ihr Anmeldecode/);
  });
});
