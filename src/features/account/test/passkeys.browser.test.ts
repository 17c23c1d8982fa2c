// Passkeys in a real Chromium with the DevTools Protocol's virtual authenticator (CTAP2, built in,
// discoverable credentials, user verification): a demo client adds a passkey from the account,
// signs out, and signs in again with the passkey alone; no email, no password, no code. The
// passkeys page, its removal page and the sign-in page have no axe violations and fit 390 px, in
// English, German and French; the scripts run under the portal's Content-Security-Policy without a
// violation.
import { expect } from 'chai';
import type { Browser, CDPSession } from 'playwright-core';
import { expectAccessibleAt390, launchChromium, pagesClosedAfterEach, signInWithPassword } from '../../../../test/support/browser-pages.ts';
import { freePort } from '../../../../test/support/free-port.ts';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';

describe('passkeys in Chromium', function () {
  this.timeout(90_000);
  let h: PortalHarness;
  let browser: Browser;
  let base: string;
  const openPage = pagesClosedAfterEach(() => browser);

  before(async function () {
    // The relying party is the portal's own address: the browser must be at the very origin it names.
    const port = await freePort();
    h = await startPortalHarness({ boot: { port, appUrl: `http://localhost:${port}` } });
    base = h.crm.url;
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });

  /** A built-in authenticator that keeps discoverable credentials and verifies its user (as a fingerprint would). */
  async function virtualAuthenticator(cdp: CDPSession): Promise<string> {
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return authenticatorId;
  }

  it('adds a passkey from the account, signs out, and signs in with the passkey alone', async function () {
    const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;
    const { context, page, consoleErrors } = await openPage();
    const csp: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) csp.push(message.text());
    });
    const cdp = await context.newCDPSession(page);
    const authenticatorId = await virtualAuthenticator(cdp);

    await signInWithPassword(page, base, 'demo', login);
    await page.goto(`${base}/portal/demo/account`);
    await page.click('a[href$="/account/passkeys"]');
    await page.waitForSelector('#passkeys-title');
    await page.waitForSelector('form[data-passkey-form="register"]:not([hidden])');
    await expectAccessibleAt390(page, 'passkeys page');

    // A wrong password: said beside the button, and no passkey made.
    await page.fill('#passkey-name', 'Chromium laptop');
    await page.fill('#identity-password', 'not-the-password');
    await page.click('#passkey-add');
    await page.waitForSelector('[data-passkey-error]:not([hidden])');
    expect(await page.textContent('[data-passkey-error]')).to.contain('That is not your current password.');
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials).to.have.length(0);
    // The refusal is a 400, which Chromium logs as a failed load: expected here, and only here.
    const refusal = consoleErrors.findIndex((error) => /account\/passkeys: .*status of 400/.test(error));
    expect(refusal).to.be.at.least(0);
    consoleErrors.splice(refusal, 1);
    await page.fill('#identity-password', login.password);
    await Promise.all([page.waitForURL(/notice=added/), page.click('#passkey-add')]);
    expect(await page.textContent('.passkeys-table')).to.contain('Chromium laptop');
    await expectAccessibleAt390(page, 'passkeys page with one');
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).to.have.length(1);
    expect(credentials[0]!.isResidentCredential).to.equal(true);

    await page.click('a[href*="/remove"]');
    await page.waitForSelector('#passkey-remove-title');
    await expectAccessibleAt390(page, 'passkey removal');
    await page.goBack();

    // Sign out, then in with the passkey: nothing typed.
    await Promise.all([page.waitForURL(/\/sign-in/), page.click('form.sign-out button[type=submit]')]);
    await page.waitForSelector('form[data-passkey-form="sign-in"]:not([hidden])');
    await expectAccessibleAt390(page, 'sign-in with the passkey button');
    await Promise.all([
      page.waitForURL((url) => !url.pathname.includes('/sign-in')),
      page.click('button:has-text("Sign in with a passkey")'),
    ]);
    await page.goto(`${base}/portal/demo/account`);
    expect(await page.inputValue('#profile-email')).to.equal(login.email);
    const signIns = await h.crm
      .db('client_activity_logs')
      .where({ event: 'sign_in.succeeded', email: login.email })
      .orderBy('id', 'desc')
      .first('details');
    expect(signIns.details).to.include({ method: 'passkey' });
    expect(csp, 'CSP violations').to.deep.equal([]);
  });

  const LANGUAGES = [
    { code: 'de', browser: 'de-DE', signIn: 'Mit Passkey anmelden', add: 'Passkey erstellen' },
    { code: 'fr', browser: 'fr-FR', signIn: 'Se connecter avec une clé d’accès', add: 'Créer la clé d’accès' },
  ];
  for (const [index, language] of LANGUAGES.entries()) {
    it(`shows the passkey pages in ${language.code} without overflow at 390 px or axe violations`, async function () {
      const login = h.crm.clientLogins.filter((l) => l.workspaceSlug === 'demo')[index + 1]!;
      const { page } = await openPage({ locale: language.browser, width: 390 });
      await page.goto(`${base}/portal/demo/sign-in`);
      await page.click(`button[lang="${language.code}"]`);
      await page.waitForSelector(`button:has-text("${language.signIn}")`);
      await expectAccessibleAt390(page, `sign-in (${language.code})`);
      await signInWithPassword(page, base, 'demo', login);
      await page.goto(`${base}/portal/demo/account/passkeys`);
      await page.waitForSelector(`button:has-text("${language.add}")`);
      await expectAccessibleAt390(page, `passkeys (${language.code})`);
    });
  }
});
