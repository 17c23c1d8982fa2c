// In a real Chromium, with htmx and without JavaScript: choosing German on the account page shows
// the confirmation, the page and its <html lang> in German at once.
import { expect } from 'chai';
import type { Browser, BrowserContext } from 'playwright-core';
import { startPortalHarness, type PortalHarness } from '../../../../test/support/portal-harness.ts';
import { launchChromium, openPage, signInWithPassword } from '../../../../test/support/browser-pages.ts';

describe('switching the language in Chromium', function () {
  this.timeout(120_000);
  let h: PortalHarness;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  before(async function () {
    h = await startPortalHarness();
    browser = await launchChromium();
  });
  after(async function () {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await h?.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`answers in German after choosing German (${javaScriptEnabled ? 'htmx' : 'no JavaScript'})`, async function () {
      const { context, page, consoleErrors } = await openPage(browser, { javaScriptEnabled });
      contexts.push(context);
      const login = h.crm.clientLogins.find((l) => l.workspaceSlug === 'demo' && l.email === 'maria@northwind.test')!;
      await signInWithPassword(page, h.crm.url, 'demo', login);
      await page.goto(`${h.crm.url}/portal/demo/account`);
      await page.selectOption('#preferences-locale', 'en');
      await Promise.all([page.waitForURL(/notice=preferences-saved|\/account$/), page.click('#preferences button[type=submit]')]);
      // The page was at /account already: the saved notice, not the address, says the first save
      // came back (a second submit while it is in flight is one htmx drops).
      await page.waitForSelector('.notice:has-text("Your language and time zone are saved.")');
      await page.waitForSelector('html[lang="en"]');

      await page.selectOption('#preferences-locale', 'de');
      await page.click('#preferences button[type=submit]');
      await page.waitForSelector('html[lang="de"]');
      await page.waitForSelector('.notice:has-text("Ihre Sprache und Zeitzone sind gespeichert.")');
      expect(await page.textContent('h1')).to.not.equal('Account');
      expect(consoleErrors).to.deep.equal([]);
    });
  }
});
