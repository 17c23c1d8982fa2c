// The main client pages rendered in each language but English (German, French) carry no English
// left behind: sign-in (and its validation messages, through the per-locale zod error map),
// dashboard, account, the sections, a 404 page; the error pages a client can meet (a missing
// proposal, quotation, invoice, document, upload or task, a session already ended, a limit
// reached) and the account's limit message; and the emails to such a client (code, reset) are in
// their language. What each page must say is read from the language's own files.
import { expect } from 'chai';
import { LOCALES_DIR, loadResources, SUPPORTED_LOCALES, translator, type Locale } from '../../src/core/i18n/translations.ts';
import { FEATURE_MANIFESTS } from '../../src/features/manifests.ts';
import { csrfFrom, postPasswordSignIn, startPortalHarness, type PortalHarness } from '../support/portal-harness.ts';

/** Words of the English interface (never of the seeded data) that must not appear on a translated page. */
const ENGLISH = [
  'Sign in',
  'Sign out',
  'Your account',
  'Profile',
  'Save',
  'Password',
  'Dashboard',
  'Invoices',
  'Proposals',
  'Messages',
  'Enter your',
  'Choose',
  'We could not',
  'Page not found',
  'Skip to content',
  'Where you are signed in',
  'Too many',
  'Try again',
  'That session',
  'Use “Sign out”',
  'It may',
  // The header's portal title when the agency chose none ("Demo Agency client portal").
  'client portal',
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

/** Core's folder of namespaces and every feature's, as the manifests declare them. */
const FOLDERS = [LOCALES_DIR, ...FEATURE_MANIFESTS.flatMap((feature) => (feature.locales ? [feature.locales] : []))];

const textsOf = (tree: object): string[] =>
  Object.values(tree).flatMap((inner) => (inner !== null && typeof inner === 'object' ? textsOf(inner as object) : [String(inner)]));

/** A check that a page has none of the English words the locale does not share ("Messages" is French too). */
function noEnglishIn(locale: Locale): (html: string, label: string) => void {
  const own = Object.values(loadResources(FOLDERS)[locale]!).flatMap(textsOf).join('\n');
  const words = ENGLISH.filter((word) => !own.includes(word));
  return (html, label) => {
    const text = visibleText(html);
    for (const word of words) expect(text, `${label} still says "${word}"`).to.not.contain(word);
  };
}

/** A text as EJS writes it into a page (its five escapes). */
const escaped = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

/** The words of a text before its first placeholder: what a page or an email says, whatever fills it. */
const opening = (t: ReturnType<typeof translator>, key: string, values: string[]) =>
  t(key, Object.fromEntries(values.map((name) => [name, '\u0000']))).split('\u0000')[0]!;

/** Compared without whitespace: the capture's quoted-printable decoding drops a space at a soft line break. */
const squeezed = (text: string) => text.replace(/\s+/g, '');

for (const locale of SUPPORTED_LOCALES.filter((l): l is Exclude<Locale, 'en'> => l !== 'en'))
  describe(`the portal in ${locale}`, function () {
    const t = translator(locale);
    const expectNoEnglish = noEnglishIn(locale);
    it('reads what its pages and emails must say from its own files, not from English', function () {
      for (const key of [
        'validation:emailInvalid',
        'account:notices.profileSaved',
        'common:errors.messages.notFound',
        'emails:code.ignore',
      ])
        expect(t(key), key).to.not.equal(translator('en')(key));
      expect(opening(t, 'emails:code.subject', ['workspace', 'code'])).to.match(
        locale === 'de' ? /^Ihr Anmeldecode für / : /^Votre code de connexion pour /,
      );
    });

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
      const page = await agent.get('/portal/demo/sign-in').set('Accept-Language', locale).expect(200);
      expectNoEnglish(page.text, 'sign-in');
      const invalid = await agent
        .post('/portal/demo/sign-in/password')
        .set('Accept-Language', locale)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: 'not-an-email', password: '' });
      expect(invalid.status).to.equal(400);
      expect(invalid.text).to.contain(escaped(t('validation:emailInvalid')));
      expectNoEnglish(invalid.text, 'sign-in with errors');
    });

    it('the signed-in pages, the account page with its errors, and a 404', async () => {
      const agent = h.agent();
      const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
      await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).update({ locale });
      try {
        expect((await postPasswordSignIn(agent, 'demo', maria())).status).to.equal(303);
        for (const path of ['/', '/account', '/proposals', '/invoices', '/tasks', '/documents', '/messages']) {
          const res = await agent.get(`/portal/demo${path}`);
          expect(res.status, path).to.equal(200);
          expect(res.text, path).to.contain(`lang="${locale}"`);
          expectNoEnglish(res.text, path);
        }
        const account = await agent.get('/portal/demo/account').expect(200);
        const invalid = await agent
          .post('/portal/demo/account/profile')
          .type('form')
          .send({ _csrf: csrfFrom(account.text), name: '', phone: 'abc' })
          .expect(400);
        expect(invalid.text).to.contain(escaped(t('validation:nameRequired')));
        expectNoEnglish(invalid.text, 'account with errors');
        const saved = await agent
          .post('/portal/demo/account/profile')
          .type('form')
          .send({ _csrf: csrfFrom(account.text), name: 'Maria García', phone: '' })
          .expect(303);
        const notice = await agent.get(saved.headers.location!).expect(200);
        expect(notice.text).to.contain(escaped(t('account:notices.profileSaved')));
        const missing = await agent.get('/portal/demo/nowhere').expect(404);
        expect(missing.text).to.contain(escaped(t('common:errors.messages.notFound')));
        expectNoEnglish(missing.text, '404');
      } finally {
        await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).update({ locale: null });
      }
    });

    it("the error pages a client can meet, and the account's limit on wrong passwords", async () => {
      const agent = h.agent();
      const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
      await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).update({ locale });
      try {
        expect((await postPasswordSignIn(agent, 'demo', maria())).status).to.equal(303);
        const missing = [
          '/proposals/987654321',
          '/quotations/987654321',
          '/invoices/987654321',
          '/invoices/987654321.pdf',
          '/documents/shared/987654321/download',
          '/documents/uploads/987654321/download',
        ];
        for (const path of missing) {
          const res = await agent.get(`/portal/demo${path}`);
          expect(res.status, path).to.equal(404);
          expect(res.text, path).to.contain(`lang="${locale}"`);
          expectNoEnglish(res.text, path);
        }
        const account = await agent.get('/portal/demo/account').expect(200);
        const csrf = csrfFrom(account.text);
        const task = await agent.post('/portal/demo/tasks/987654321/done').type('form').send({ _csrf: csrf });
        expect(task.status).to.equal(404);
        expectNoEnglish(task.text, 'a missing task');
        const ended = await agent
          .post(`/portal/demo/account/sessions/${'f'.repeat(64)}/revoke`)
          .type('form')
          .send({ _csrf: csrf });
        expect(ended.status).to.equal(404);
        expectNoEnglish(ended.text, 'a session already ended');

        // Wrong current passwords until the limit: the message beside the field is translated too.
        let limited: { status: number; text: string } | undefined;
        for (let i = 0; i < 8 && limited?.status !== 429; i++) {
          limited = await agent.post('/portal/demo/account/password').type('form').send({
            _csrf: csrf,
            currentPassword: 'not-my-password',
            password: 'a-new-long-password-1',
            confirmPassword: 'a-new-long-password-1',
          });
        }
        expect(limited!.status).to.equal(429);
        expect(limited!.text).to.contain(escaped(opening(t, 'account:errors.passwordLimited', ['wait'])));
        expectNoEnglish(limited!.text, 'the account after too many wrong passwords');
      } finally {
        await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).update({ locale: null });
      }

      // A limit on an error page of its own: password-reset requests for one address.
      const anonymous = h.agent();
      const forgot = await anonymous.get('/portal/demo/password/forgot').set('Accept-Language', locale).expect(200);
      let refused: { status: number; text: string } | undefined;
      for (let i = 0; i < 8 && refused?.status !== 429; i++) {
        await h.afterRepeatWindow();
        refused = await anonymous
          .post('/portal/demo/password/forgot')
          .set('Accept-Language', locale)
          .type('form')
          .send({ _csrf: csrfFrom(forgot.text), email: 'nobody-here@example.test' });
      }
      expect(refused!.status).to.equal(429);
      expect(refused!.text).to.contain(escaped(opening(t, 'common:errors.messages.tooManyAttempts', ['wait'])));
      expectNoEnglish(refused!.text, 'too many reset requests');
    });

    it(`emails a client who chose ${locale} in ${locale}: the code and the reset link`, async () => {
      const workspace = (await h.crm.adapter.workspaces.findBySlug('demo'))!;
      await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).update({ locale });
      try {
        const agent = h.agent();
        // The page is English (no Accept-Language): the client's own choice decides the email.
        const page = await agent.get('/portal/demo/sign-in').expect(200);
        await agent
          .post('/portal/demo/sign-in/code')
          .type('form')
          .send({ _csrf: csrfFrom(page.text), email: maria().email })
          .expect(200);
        const codeSubject = opening(t, 'emails:code.subject', ['workspace', 'code']);
        const code = await h.smtp.waitForMessage((m) => m.to.includes(maria().email) && m.subject.startsWith(codeSubject), 15_000);
        expect(squeezed(code.text)).to.contain(squeezed(t('emails:code.ignore')));

        const forgot = await agent.get('/portal/demo/password/forgot').expect(200);
        await agent
          .post('/portal/demo/password/forgot')
          .type('form')
          .send({ _csrf: csrfFrom(forgot.text), email: maria().email });
        const resetSubject = opening(t, 'emails:reset.subject', ['workspace']);
        const reset = await h.smtp.waitForMessage((m) => m.to.includes(maria().email) && m.subject.startsWith(resetSubject), 15_000);
        expect(squeezed(reset.text)).to.contain(squeezed(opening(t, 'emails:reset.link', ['minutes'])));
      } finally {
        await h.crm.db('client_users').where({ workspace_id: workspace.id, email: maria().email }).update({ locale: null });
      }
    });

    it('a client who chose no language gets the code in the language of the page they asked from', async () => {
      const agent = h.agent();
      // The same request from an English page gets an English email: the page decides, nothing else.
      const english = await agent.get('/portal/demo/sign-in').expect(200);
      await agent
        .post('/portal/demo/sign-in/code')
        .type('form')
        .send({ _csrf: csrfFrom(english.text), email: maria().email })
        .expect(200);
      expect((await h.smtp.waitForMessage((m) => m.to.includes(maria().email), 15_000)).subject).to.match(/^Your sign-in code/);
      h.smtp.clear();
      await h.afterRepeatWindow();
      const page = await agent.get('/portal/demo/sign-in').set('Accept-Language', locale).expect(200);
      await agent
        .post('/portal/demo/sign-in/code')
        .set('Accept-Language', locale)
        .type('form')
        .send({ _csrf: csrfFrom(page.text), email: maria().email })
        .expect(200);
      const codeSubject = opening(t, 'emails:code.subject', ['workspace', 'code']);
      const code = await h.smtp.waitForMessage((m) => m.to.includes(maria().email) && m.subject.startsWith(codeSubject), 15_000);
      expect(code.subject.startsWith(codeSubject)).to.equal(true);
    });
  });
