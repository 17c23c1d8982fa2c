// In a real Chromium at 390 px, in German and in English: a client with two-factor on makes new
// recovery codes from the status page. The status page with the renewal form, the form with a wrong
// password (focus on the error summary) and the page showing the new codes have no axe violations
// and no horizontal overflow, and the console shows no error (CSP included).
import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import type { Browser } from 'playwright-core';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { expectAccessible, launchChromium } from '../../../../test/support/browser-pages.ts';

describe('new recovery codes in Chromium', function () {
  this.timeout(300_000);
  let h: PortalHarness;
  let browser: Browser;

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });

  const cases = [
    { email: 'maria@northwind.test', locale: 'de-DE', submit: 'Neue Wiederherstellungscodes erstellen', shown: 'Hier sind Ihre neuen' },
    { email: 'priya@bluebell.test', locale: 'en-US', submit: 'Make new recovery codes', shown: 'Here are your new recovery codes' },
  ];
  for (const { email, locale, submit, shown } of cases)
    it(`makes new recovery codes from the status page (${locale}, 390 px)`, async function () {
      const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === email)!;
      const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      const base = `${h.crm.url}/portal/demo`;
      const signIn = async () => {
        await page.goto(`${base}/sign-in`);
        await page.fill('#email', login.email);
        await page.fill('#password', login.password);
        await page.press('#password', 'Enter');
      };
      try {
        await signIn();
        await page.waitForURL(`${base}/`);
        await page.goto(`${base}/account/two-factor/setup`);
        const secret = (await page.textContent('#setup-secret'))!.replace(/\s+/g, '');
        const totp = new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
        await page.fill('#setup-code', totp.generate());
        await page.fill('#identity-password', login.password);
        await page.press('#identity-password', 'Enter');
        await page.waitForURL(`${base}/account/two-factor/recovery-codes`);
        const first = await page.locator('.recovery-codes code').allTextContents();
        expect(first).to.have.length(10);

        // A new session (signed in with a recovery code), which is asked who it is again.
        await context.clearCookies();
        await signIn();
        await page.waitForURL(`${base}/sign-in/two-factor`);
        await page.fill('#second-factor-code', first[0]!);
        await page.press('#second-factor-code', 'Enter');
        await page.waitForURL(`${base}/`);

        await page.goto(`${base}/account/two-factor`);
        await page.waitForSelector(`button:has-text("${submit}")`);
        await expectAccessible(page, `two-factor status with the renewal form (${locale})`);

        await page.fill('#renew-password', 'not-the-password');
        await page.press('#renew-password', 'Enter');
        await page.waitForSelector('#error-summary a[href="#renew-password"]');
        await page.waitForFunction(() => document.activeElement?.id === 'error-summary', undefined, { timeout: 5_000 });
        await expectAccessible(page, `renewal refused (${locale})`);

        await page.fill('#renew-password', login.password);
        await page.press('#renew-password', 'Enter');
        await page.waitForURL(`${base}/account/two-factor/recovery-codes`);
        await page.waitForSelector(`.notice:has-text("${shown}")`);
        const renewed = await page.locator('.recovery-codes code').allTextContents();
        expect(renewed).to.have.length(10);
        expect(renewed.filter((code) => first.includes(code))).to.deep.equal([]);
        await expectAccessible(page, `new recovery codes (${locale})`);
        expect(consoleErrors).to.deep.equal([]);
      } finally {
        await context.close();
      }
    });
});
