// The sign-in page as a person meets it in Chromium: one email field for both methods (typing it
// once and choosing "email me a code" keeps it); a wrong password leaves the address on the GET
// sign-in page, keeps the email, and a reload shows the form, not a 404; the POST-only addresses
// answer a visit with the form; the German page when the browser asks for German; no console
// errors on the way.
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { launchChromium } from '../../../../test/support/browser-pages.ts';

describe('the sign-in flow in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let consoleErrors: string[];

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
  });
  after(async function () {
    await browser?.close();
    await h?.close();
  });
  beforeEach(async function () {
    await h.crm.db('portal_rate_limits').delete();
    context = await browser.newContext({ locale: 'en-US' });
    page = await context.newPage();
    consoleErrors = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  });
  afterEach(async function () {
    await context.close();
    expect(consoleErrors).to.deep.equal([]);
  });

  const login = () => h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo')!;

  it('has one email field, kept when the client chooses a code instead', async function () {
    await page.goto(`${h.crm.url}/portal/demo/sign-in`);
    expect(await page.locator('input[type=email]').count()).to.equal(1);
    await page.fill('#email', login().email);
    await page.click('button:has-text("Email me a one-time code instead")');
    await page.waitForSelector('#code');
    expect(await page.inputValue('#verify-email')).to.equal(login().email);
    expect(new URL(page.url()).pathname).to.equal('/portal/demo/sign-in/code');
  });

  it('keeps the address on the sign-in page after a wrong password, and a reload shows the form', async function () {
    await page.goto(`${h.crm.url}/portal/demo/sign-in`);
    await page.fill('#email', login().email);
    await page.fill('#password', 'not-the-password');
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('#password-error');
    expect(await page.inputValue('#email')).to.equal(login().email);
    expect(new URL(page.url()).pathname).to.equal('/portal/demo/sign-in');
    const reloaded = await page.reload();
    expect(reloaded?.status()).to.equal(200);
    expect(await page.locator('#email').count()).to.equal(1);
  });

  it('answers a visit to a POST-only address with its form', async function () {
    for (const [path, form] of [
      ['/sign-in/password', '#password'],
      ['/sign-in/code/verify', '#code'],
    ] as const) {
      const response = await page.goto(`${h.crm.url}/portal/demo${path}?next=${encodeURIComponent('/portal/demo/account')}`);
      expect(response?.status(), path).to.equal(200);
      expect(await page.locator(form).count(), path).to.equal(1);
      // The sign-in form and the language choice beside it each keep where to go next.
      const kept = await page.locator('input[name=next]').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
      expect(kept.length, path).to.be.at.least(1);
      expect(new Set(kept), path).to.deep.equal(new Set(['/portal/demo/account']));
    }
  });

  it('speaks German to a browser that asks for it', async function () {
    const german = await browser.newContext({ locale: 'de-DE' });
    try {
      const tab = await german.newPage();
      await tab.goto(`${h.crm.url}/portal/demo/sign-in`);
      expect(await tab.getAttribute('html', 'lang')).to.equal('de');
      expect(await tab.textContent('h1')).to.equal('Anmelden');
      expect(await tab.locator('button:has-text("Stattdessen einen Einmalcode")').count()).to.equal(1);
    } finally {
      await german.close();
    }
  });
});
